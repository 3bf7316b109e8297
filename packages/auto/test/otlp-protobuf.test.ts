import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  type Attributes,
  type Context,
  createTraceState,
  type HrTime,
  type Link,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanLimits,
  type TimedEvent,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { decodeTraceRequest } from '@rl-otel/test-utils';
import { readConfig } from '../src/config.ts';
import { createExportProcessors } from '../src/exporters.ts';
import { OtlpTraceProtobufSerializer } from '../src/otlp-protobuf.ts';

// --- a generic protobuf wire-format parser -----------------------------------
//
// Turns bytes into a tree of (field number, wire type, value), recursing into
// the fields that are nested messages in the OTLP trace protos. Nothing is
// interpreted or dropped: varints as their 64-bit value, fixed and bytes/string
// fields as hex, so two trees are equal only if the messages are.

interface WireField {
  field: number;
  wire: number;
  value: string | WireField[];
}

/** For each message: which of its length-delimited fields are messages, and of which type. */
const MESSAGES: Record<string, Record<number, string>> = {
  ExportTraceServiceRequest: { 1: 'ResourceSpans' },
  ResourceSpans: { 1: 'Resource', 2: 'ScopeSpans' },
  Resource: { 1: 'KeyValue' },
  ScopeSpans: { 1: 'InstrumentationScope', 2: 'Span' },
  InstrumentationScope: { 3: 'KeyValue' },
  Span: { 9: 'KeyValue', 11: 'Event', 13: 'Link', 15: 'Status' },
  Event: { 3: 'KeyValue' },
  Link: { 4: 'KeyValue' },
  Status: {},
  KeyValue: { 2: 'AnyValue' },
  AnyValue: { 5: 'ArrayValue', 6: 'KeyValueList' },
  ArrayValue: { 1: 'AnyValue' },
  KeyValueList: { 1: 'KeyValue' },
};

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function parseMessage(bytes: Uint8Array, type: string): WireField[] {
  const nested = MESSAGES[type];
  assert.ok(nested, `unknown message type ${type}`);
  const out: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (pos >= bytes.length) throw new Error(`${type}: truncated varint`);
      if (shift > 63n) throw new Error(`${type}: varint longer than 10 bytes`);
      const byte = bytes[pos++] as number;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
  };
  const take = (n: number): Uint8Array => {
    if (pos + n > bytes.length) throw new Error(`${type}: truncated field`);
    const part = bytes.subarray(pos, pos + n);
    pos += n;
    return part;
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value: string | WireField[];
    if (wire === 0) value = BigInt.asUintN(64, varint()).toString();
    else if (wire === 1) value = hex(take(8));
    else if (wire === 5) value = hex(take(4));
    else if (wire === 2) {
      const body = take(Number(varint()));
      const inner = nested[field];
      value = inner ? parseMessage(body, inner) : hex(body);
    } else throw new Error(`${type}: unexpected wire type ${wire}`);
    out.push({ field, wire, value });
  }
  return out;
}

/**
 * Field order within a message carries no meaning in protobuf, the order of a
 * repeated field's values does: sort each message's fields by number, stably.
 */
function normalize(fields: WireField[]): WireField[] {
  return fields
    .map((f) => (typeof f.value === 'string' ? f : { ...f, value: normalize(f.value) }))
    .sort((a, b) => a.field - b.field);
}

function parseRequest(bytes: Uint8Array | undefined): WireField[] {
  assert.ok(bytes instanceof Uint8Array, 'a request was serialized');
  return normalize(parseMessage(bytes, 'ExportTraceServiceRequest'));
}

function upstreamBytes(spans: ReadableSpan[]): Uint8Array {
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  assert.ok(bytes);
  // Upstream's result is a view of its writer's buffer: copy it before anything else runs.
  return bytes.slice();
}

/** Our message for `ours` is upstream's for `theirs` (the same spans, unless a test says otherwise). */
function assertSameMessage(
  serializer: OtlpTraceProtobufSerializer,
  ours: ReadableSpan[],
  theirs: ReadableSpan[] = ours,
): void {
  assert.deepStrictEqual(
    parseRequest(serializer.serializeRequest(ours)),
    parseRequest(upstreamBytes(theirs)),
  );
}

// --- spans --------------------------------------------------------------------

const REMOTE_PARENT: SpanContext = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
  traceState: createTraceState('vendor=abc,other=1'),
};

const LINKED_REMOTE: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.NONE,
  isRemote: true,
  traceState: createTraceState('congo=t61rcWkgMzE'),
};

/** Every kind of attribute value, with the lengths and ranges where encodings change. */
const ALL_VALUES: Attributes = {
  'http.request.method': 'GET',
  empty: '',
  'non.ascii': 'héllo wörld ✓ 🚀',
  'lone.surrogate': 'a\ud800b',
  'long.string': 'x'.repeat(300),
  'long.non.ascii': 'ü'.repeat(100),
  'mostly.ascii': `${'a'.repeat(60)}é`,
  b120: 'y'.repeat(120),
  b121: 'y'.repeat(121),
  'ключ.ü': 'значение',
  [`long.key.${'k'.repeat(200)}`]: 7,
  [`long.key.string.${'k'.repeat(200)}`]: 'v',
  zero: 0,
  one: 1,
  i127: 127,
  i128: 128,
  i300: 300,
  i2p31m1: 2 ** 31 - 1,
  i2p31: 2 ** 31,
  i2p32m1: 2 ** 32 - 1,
  i2p32: 2 ** 32,
  i2p53m1: 2 ** 53 - 1,
  i2p62: 2 ** 62,
  i2p63: 2 ** 63,
  neg1: -1,
  negI32: -(2 ** 31),
  negI53: -(2 ** 53 - 1),
  minI64: -(2 ** 63),
  negBeyond: -(2 ** 64),
  negZero: -0,
  half: 0.5,
  negHalf: -0.5,
  nan: Number.NaN,
  inf: Number.POSITIVE_INFINITY,
  negInf: Number.NEGATIVE_INFINITY,
  tiny: Number.MIN_VALUE,
  huge: Number.MAX_VALUE,
  yes: true,
  no: false,
  strings: ['a', 'b', 'ü'],
  numbers: [1, -2, 3.5, 2 ** 40],
  bools: [true, false],
  mixed: ['a', 1, null, false],
  emptyArray: [],
  nestedArray: [
    [1, 2],
    ['x', ['y']],
  ],
  bytes: new Uint8Array([0, 1, 2, 254, 255]),
  emptyBytes: new Uint8Array(0),
  map: { a: 1, b: { c: 'x', d: [1, 'two'] }, é: null, e: new Uint8Array([9]) },
  emptyMap: {},
  nullValue: null,
};

interface Recorder {
  provider: TracerProvider;
  exporter: InMemorySpanExporter;
}

function recorder(resource: Attributes, schemaUrl?: string, spanLimits?: SpanLimits): Recorder {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource, schemaUrl ? { schemaUrl } : undefined),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
    ...(spanLimits ? { spanLimits } : {}),
  });
  return { provider, exporter };
}

const T0: HrTime = [1_700_000_000, 123_456_789];
const T1: HrTime = [1_700_000_001, 999_999_999];

/**
 * Real SDK spans: two resources (one with a schema URL) and a third with span
 * limits, several scopes, local and remote parents, every span kind, events,
 * links, statuses, trace state, dropped counts; ended in an interleaved order.
 */
function sdkSpans(): ReadableSpan[] {
  const a = recorder({ 'service.name': 'svc-a', 'host.name': 'hôte', pid: 42, 'is.test': true });
  const b = recorder(
    { 'service.name': 'svc-b', list: ['x', 'y'] },
    'https://opentelemetry.io/schemas/1.30.0',
  );
  const limited = recorder({ 'service.name': 'svc-limited' }, undefined, {
    attributeCountLimit: 3,
    eventCountLimit: 1,
    linkCountLimit: 1,
    attributePerEventCountLimit: 1,
    attributePerLinkCountLimit: 1,
  });
  const http = a.provider.getTracer('@rl-otel/instrumentation-http', '0.1.0', {
    schemaUrl: 'https://opentelemetry.io/schemas/1.28.0',
  });
  const fs = a.provider.getTracer('@rl-otel/instrumentation-fs');
  const pg = b.provider.getTracer('@rl-otel/instrumentation-pg', '2.0.0');

  const server = http.startSpan(
    'GET /api/tasks/:id',
    { kind: SpanKind.SERVER, attributes: ALL_VALUES, startTime: T0 },
    ROOT_CONTEXT,
  );
  const local: Context = trace.setSpan(ROOT_CONTEXT, server);
  const child = fs.startSpan('fs readFile', { attributes: { 'rl.file.operation': 'read' } }, local);
  child.addEvent('opened', { fd: 3, path: '/tmp/ü' }, [1_700_000_000, 500]);
  child.addEvent('no attributes');
  child.end();

  const remote = trace.setSpanContext(ROOT_CONTEXT, REMOTE_PARENT);
  const consumer = http.startSpan(
    'process job',
    {
      kind: SpanKind.CONSUMER,
      links: [
        { context: LINKED_REMOTE, attributes: { 'link.reason': 'batch', n: 2 } },
        { context: server.spanContext() },
      ],
    },
    remote,
  );
  consumer.setStatus({ code: SpanStatusCode.OK });
  consumer.end(T1);

  const query = pg.startSpan(
    'SELECT tasks',
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'pg' } },
    local,
  );
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'relation "tasks" does not exist — ошибка' });
  query.recordException(new Error('boom'));
  query.end();

  const producer = pg.startSpan('publish', { kind: SpanKind.PRODUCER }, ROOT_CONTEXT);
  producer.end();

  const tracer = limited.provider.getTracer('limited', '1');
  const dropping = tracer.startSpan(
    'too much',
    {
      attributes: { a: 1, b: 2, c: 3, d: 4, e: 5 },
      links: [
        { context: LINKED_REMOTE, attributes: { x: 1, y: 2 } },
        { context: REMOTE_PARENT },
        { context: server.spanContext() },
      ],
    },
    ROOT_CONTEXT,
  );
  dropping.addEvent('first', { x: 1, y: 2, z: 3 });
  dropping.addEvent('second');
  dropping.addEvent('third');
  dropping.end();

  server.setStatus({ code: SpanStatusCode.ERROR });
  server.addEvent('responded', { 'http.response.status_code': 500 });
  server.end(T1);

  const spans = [
    ...a.exporter.getFinishedSpans(),
    ...b.exporter.getFinishedSpans(),
    ...limited.exporter.getFinishedSpans(),
  ];
  assert.equal(spans.length, 6);
  // Interleave resources and scopes: grouping must keep the first-seen order.
  return [3, 0, 5, 1, 4, 2].map((i) => spans[i] as ReadableSpan);
}

type Changes = {
  -readonly [K in keyof ReadableSpan]?: unknown;
} & { context?: SpanContext };

/** A plain-object ReadableSpan: a copy of `base` with some fields replaced, including values the SDK would not make. */
function craft(base: ReadableSpan, changes: Changes): ReadableSpan {
  const { context, ...rest } = changes;
  const ctx = context ?? base.spanContext();
  return {
    name: base.name,
    kind: base.kind,
    spanContext: () => ctx,
    parentSpanContext: base.parentSpanContext,
    startTime: base.startTime,
    endTime: base.endTime,
    status: base.status,
    attributes: base.attributes,
    links: base.links,
    events: base.events,
    duration: base.duration,
    ended: base.ended,
    resource: base.resource,
    instrumentationScope: base.instrumentationScope,
    droppedAttributesCount: base.droppedAttributesCount,
    droppedEventsCount: base.droppedEventsCount,
    droppedLinksCount: base.droppedLinksCount,
    ...rest,
  } as ReadableSpan;
}

/** Hand-made spans for what the SDK does not produce but upstream handles. */
function craftedSpans(base: ReadableSpan): ReadableSpan[] {
  const scopeWithAttributes = {
    name: 'scoped',
    version: '3',
    schemaUrl: 'https://example.com/schema',
    attributes: { 'scope.attr': 'v', n: 1 },
    droppedAttributesCount: 2,
  };
  const odd: Attributes = {
    undef: undefined,
    nul: null,
    date: new Date(0) as unknown as Attributes[string],
    bigint: 10n as unknown as Attributes[string],
    symbol: Symbol('s') as unknown as Attributes[string],
    fn: (() => 1) as unknown as Attributes[string],
    sparse: [undefined, 1, null] as unknown as Attributes[string],
    noProto: Object.assign(Object.create(null) as Record<string, unknown>, { k: 'v' }) as Attributes[string],
  };
  const events: TimedEvent[] = [
    { name: 'bare', time: [0, 0] },
    { name: 'dropped', time: [2 ** 32 + 5, 999_999_999], attributes: { a: 'b' }, droppedAttributesCount: 4 },
  ];
  const links: Link[] = [
    { context: { ...REMOTE_PARENT, isRemote: false, traceFlags: 0xff } },
    { context: LINKED_REMOTE, attributes: {}, droppedAttributesCount: 3 },
  ];
  return [
    craft(base, { instrumentationScope: scopeWithAttributes, kind: undefined }),
    craft(base, {
      instrumentationScope: scopeWithAttributes,
      attributes: odd,
      events,
      links,
      status: { code: SpanStatusCode.UNSET, message: '' },
      droppedAttributesCount: 300,
      droppedEventsCount: 70_000,
      droppedLinksCount: 2 ** 33,
      startTime: [0, 0],
      endTime: [2 ** 32 + 5, 999_999_999],
    }),
    craft(base, {
      context: {
        traceId: '0AF7651916CD43DD8448EB211C80319C',
        spanId: 'B7AD6B716920333',
        traceFlags: 0,
        traceState: createTraceState(''),
      },
      parentSpanContext: { ...REMOTE_PARENT, spanId: 'zz01ab' },
      attributes: undefined,
      kind: SpanKind.INTERNAL,
    }),
    craft(base, {
      parentSpanContext: { ...REMOTE_PARENT, spanId: '' },
      name: '',
      status: { code: SpanStatusCode.OK, message: 'fine' },
    }),
    craft(base, { status: { code: SpanStatusCode.UNSET, message: 'a message without a code' } }),
  ];
}

// --- tests ----------------------------------------------------------------------

test('the same ExportTraceServiceRequest as upstream for real SDK spans', () => {
  const spans = sdkSpans();
  assertSameMessage(new OtlpTraceProtobufSerializer(), spans);
});

test('the same message as upstream for hand-made spans: scope attributes, odd values, ids and counts', () => {
  const spans = [...sdkSpans(), ...craftedSpans(sdkSpans()[0] as ReadableSpan)];
  assertSameMessage(new OtlpTraceProtobufSerializer(), spans);
});

test('the bytes are identical to upstream, not only the message', () => {
  // Not required by OTLP (field order is free), but true today: any change shows here first.
  const spans = [...sdkSpans(), ...craftedSpans(sdkSpans()[0] as ReadableSpan)];
  const ours = new OtlpTraceProtobufSerializer().serializeRequest(spans);
  assert.ok(ours);
  assert.equal(hex(ours), hex(upstreamBytes(spans)));
});

test('the comparison catches a difference anywhere, flags included', () => {
  const serializer = new OtlpTraceProtobufSerializer();
  const spans = sdkSpans();
  const server = spans.find((s) => s.name === 'GET /api/tasks/:id') as ReadableSpan;
  const consumer = spans.find((s) => s.name === 'process job') as ReadableSpan;
  const replace = (from: ReadableSpan, to: ReadableSpan) => spans.map((s) => (s === from ? to : s));
  const variants: Array<[string, ReadableSpan[]]> = [
    // Only the span flags show that the parent is remote: the repo's OTLP decoder does not read them.
    [
      'parent no longer remote',
      replace(consumer, craft(consumer, { parentSpanContext: { ...REMOTE_PARENT, isRemote: false } })),
    ],
    [
      'an int became a double',
      replace(server, craft(server, { attributes: { ...server.attributes, one: 1.5 } })),
    ],
    ['a dropped count', replace(server, craft(server, { droppedEventsCount: 1 }))],
    ['a later end', replace(server, craft(server, { endTime: [T1[0], T1[1] - 1] }))],
    ['one span less', spans.slice(1)],
  ];
  for (const [what, changed] of variants) {
    assert.throws(() => assertSameMessage(serializer, spans, changed), assert.AssertionError, what);
  }
  // And the unchanged set still compares equal with the same serializer.
  assertSameMessage(serializer, spans);
});

test('the repo OTLP decoder reads our bytes', () => {
  // Spans without trace state or schema URLs: that decoder reads neither, and
  // mis-skips a length-delimited field it does not read.
  const { provider, exporter } = recorder({ 'service.name': 'decoded', 'host.name': 'hôte' });
  const tracer = provider.getTracer('decoder', '1.0.0');
  const parent = tracer.startSpan('GET /api/tasks/:id', {
    kind: SpanKind.SERVER,
    attributes: ALL_VALUES,
    startTime: T0,
  });
  parent.addEvent('responded', { 'http.response.status_code': 500 });
  parent.setStatus({ code: SpanStatusCode.ERROR, message: 'ошибка' });
  parent.end(T1);
  const linked = { ...LINKED_REMOTE, traceState: undefined };
  tracer
    .startSpan(
      'child',
      { links: [{ context: linked, attributes: { n: 2 } }] },
      trace.setSpan(ROOT_CONTEXT, parent),
    )
    .end();
  const spans = exporter.getFinishedSpans();

  const decoded = decodeTraceRequest(new OtlpTraceProtobufSerializer().serializeRequest(spans) as Uint8Array);
  assert.equal(decoded.length, 2);
  const server = decoded.find((s) => s.name === 'GET /api/tasks/:id');
  assert.ok(server);
  assert.equal(server.kind, 2);
  assert.deepEqual(server.status, { code: 2, message: 'ошибка' });
  assert.equal(server.startTimeUnixNano, 1_700_000_000_123_456_789n);
  assert.equal(server.endTimeUnixNano, 1_700_000_001_999_999_999n);
  assert.equal(server.attributes['non.ascii'], 'héllo wörld ✓ 🚀');
  assert.equal(server.attributes['ключ.ü'], 'значение');
  assert.equal(server.attributes.i2p53m1, 2 ** 53 - 1);
  assert.equal(server.attributes.neg1, -1);
  assert.equal(server.attributes.minI64, -(2 ** 63));
  assert.equal(server.attributes.half, 0.5);
  assert.ok(Number.isNaN(server.attributes.nan));
  assert.deepEqual(server.attributes.mixed, ['a', 1, null, false]);
  assert.deepEqual(server.attributes.map, { a: 1, b: { c: 'x', d: [1, 'two'] }, é: null, e: '09' });
  assert.equal(server.attributes.bytes, '000102feff');
  assert.deepEqual(server.events[0]?.attributes, { 'http.response.status_code': 500 });
  assert.deepEqual(server.resource, { 'service.name': 'decoded', 'host.name': 'hôte' });
  assert.deepEqual(server.scope, { name: 'decoder', version: '1.0.0' });
  const child = decoded.find((s) => s.name === 'child');
  assert.equal(child?.parentSpanId, server.spanId);
  assert.equal(child?.traceId, server.traceId);
  assert.deepEqual(child?.links[0], { traceId: linked.traceId, spanId: linked.spanId, attributes: { n: 2 } });
});

test('a batch larger than the buffer, and length prefixes of every size', () => {
  // A 16-byte buffer grows many times over.
  const small = new OtlpTraceProtobufSerializer({ initialBufferSize: 16 });
  const many = Array.from({ length: 60 }, () => sdkSpans()).flat();
  assertSameMessage(small, many);

  const base = sdkSpans()[0] as ReadableSpan;
  const sized = (n: number, value: string) =>
    craft(base, { attributes: { v: value.repeat(n) }, events: [], links: [] });
  const spans = [
    // A span and its ScopeSpans under 128 bytes: fewer length bytes than reserved.
    craft(base, { attributes: {}, events: [], links: [], name: 'x' }),
    sized(1_000, 'a'),
    sized(20_000, 'b'), // a span over 16 KiB: more length bytes than reserved
    sized(50_000, 'ü'), // non-ASCII, where the length is only known after encoding
    sized(3_000_000, 'c'), // the ResourceSpans over 2 MiB
  ];
  assertSameMessage(small, spans);
  // The retained buffer is dropped after so large a request; the next one still works.
  assertSameMessage(small, sdkSpans());
});

test('the key cache is bounded; keys beyond it are still written right', () => {
  const base = sdkSpans()[0] as ReadableSpan;
  const withKeys = (prefix: string, n: number) =>
    craft(base, {
      attributes: Object.fromEntries(
        Array.from({ length: n }, (_, i) => [`${prefix}.${i}`, i % 2 ? i : `v${i}`]),
      ),
    });

  const bounded = new OtlpTraceProtobufSerializer({ maxCachedKeys: 8 });
  const spans = [withKeys('a', 40), withKeys('b', 40)];
  assertSameMessage(bounded, spans);
  assert.equal(bounded.cachedKeyCount, 8);
  assertSameMessage(bounded, spans);

  const byDefault = new OtlpTraceProtobufSerializer();
  assertSameMessage(byDefault, [withKeys('user', 5_000)]);
  assert.equal(byDefault.cachedKeyCount, 4096);

  // Nor are long keys cached, however few.
  const fresh = new OtlpTraceProtobufSerializer();
  assertSameMessage(fresh, [withKeys('warm', 0)]); // the resource's and the event's keys
  const before = fresh.cachedKeyCount;
  assertSameMessage(fresh, [withKeys('k'.repeat(256), 3), withKeys('k'.repeat(250), 3)]);
  assert.equal(fresh.cachedKeyCount - before, 3);
});

test('a returned request is not overwritten by the next one', () => {
  const serializer = new OtlpTraceProtobufSerializer();
  const first = serializer.serializeRequest(sdkSpans());
  assert.ok(first);
  const copy = first.slice();
  const second = serializer.serializeRequest(sdkSpans().reverse());
  assert.ok(second);
  assert.notEqual(first.buffer, second.buffer);
  assert.deepEqual(first, copy);
  // Each is its own exact-size copy, not a view of a larger shared buffer.
  assert.equal(first.byteOffset, 0);
  assert.equal(first.buffer.byteLength, first.length);
});

test('no spans: an empty request, as upstream', () => {
  const ours = new OtlpTraceProtobufSerializer().serializeRequest([]);
  assert.deepEqual(ours, upstreamBytes([]));
  assert.equal(ours?.length, 0);
});

test("responses are read by upstream's deserializer", () => {
  // ExportTraceServiceResponse { partial_success { rejected_spans: 5, error_message: "oops" } }
  const body = new Uint8Array([0x0a, 0x08, 0x08, 0x05, 0x12, 0x04, 0x6f, 0x6f, 0x70, 0x73]);
  const ours = new OtlpTraceProtobufSerializer().deserializeResponse(body);
  assert.deepEqual(ours, ProtobufTraceSerializer.deserializeResponse(body));
  assert.deepEqual(ours, { partialSuccess: { rejectedSpans: 5, errorMessage: 'oops' } });
});

test("the OTLP http/protobuf exporter: upstream's transport and configuration, our bytes, loaded on first export", async () => {
  const received: Array<{ url: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const saved = { ...process.env };
  // Upstream's exporter reads its configuration from the process environment.
  Object.assign(process.env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret',
    OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
  });
  const loaded = () =>
    Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('otlp-exporter-base'));
  try {
    const { config } = readConfig(process.env, '/');
    assert.deepEqual(config.exporters, ['otlp']);
    assert.equal(config.otlpProtocol, 'http/protobuf');
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [
        ...createExportProcessors(config, process.env),
        new SimpleSpanProcessor({ exporter: memory }),
      ],
    });
    assert.equal(loaded(), false, 'nothing of the exporter is loaded before the first export');
    const tracer = provider.getTracer('e2e', '1');
    for (let i = 0; i < 5; i++) {
      tracer.startSpan(`span ${i}`, { attributes: { i, 'rl.action.kind': 'http' } }).end();
    }
    await provider.forceFlush();
    assert.equal(loaded(), true);
    assert.equal(received.length, 1);
    const request = received[0];
    assert.ok(request);
    assert.equal(request.url, '/v1/traces');
    assert.equal(request.headers['content-type'], 'application/x-protobuf');
    assert.equal(request.headers['content-encoding'], 'gzip');
    assert.equal(request.headers['x-api-key'], 'secret');
    assert.match(String(request.headers['user-agent']), /OTel-OTLP-Exporter-JavaScript/);
    assert.deepStrictEqual(
      parseRequest(new Uint8Array(gunzipSync(request.body))),
      parseRequest(upstreamBytes(memory.getFinishedSpans())),
    );
    await provider.shutdown();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

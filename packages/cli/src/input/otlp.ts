/**
 * OTLP/JSON `ExportTraceServiceRequest` → the span data `spansToTriplets`
 * takes. Spans go through core's own `toSpanData` (as an SDK span would), so
 * the start time, hence the triplet's `time`, is computed exactly as in-process.
 * Spans that cannot make a triplet are skipped before their attributes are built.
 */
import { type SpanData, toSpanData } from '@rl-otel/core';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_EPISODE_DONE,
  type AttributeValue,
  SPAN_NAME_RL_REWARD,
} from '@rl-otel/semantic-conventions';

/** A span that may take part in triplets, with what the streaming assembly needs besides. */
export interface TimedSpan {
  readonly span: SpanData;
  /** End time, milliseconds since the Unix epoch. */
  readonly endMs: number;
  /** Identity of the emitting process (its resource attributes): episodes are assembled per process. */
  readonly group: string;
}

type JsonAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  arrayValue?: { values?: JsonAnyValue[] };
  kvlistValue?: { values?: JsonKeyValue[] };
  bytesValue?: string;
};
type JsonKeyValue = { key?: string; value?: JsonAnyValue };
interface JsonSpan {
  traceId?: string;
  spanId?: string;
  name?: string;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: JsonKeyValue[];
}
export interface JsonTraceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: Array<{ spans?: JsonSpan[] }>;
  }>;
}

export interface ConvertCounts {
  /** Spans read. */
  spans: number;
  /** Spans that were not usable (reported through `problem`). */
  invalid: number;
}

/**
 * The spans of one request that have a triplet role (steps, episode ends,
 * delayed rewards). `groups` interns resource identities across requests.
 */
export function roleSpans(
  request: JsonTraceRequest,
  groups: Map<string, string>,
  counts: ConvertCounts,
  problem: (message: string) => void,
): TimedSpan[] {
  const out: TimedSpan[] = [];
  const resourceSpans = Array.isArray(request.resourceSpans) ? request.resourceSpans : [];
  for (const rs of resourceSpans) {
    let group: string | undefined;
    for (const ss of Array.isArray(rs?.scopeSpans) ? rs.scopeSpans : []) {
      const spans = Array.isArray(ss?.spans) ? ss.spans : [];
      counts.spans += spans.length;
      for (let i = 0; i < spans.length; i++) {
        const raw = spans[i] as JsonSpan;
        if (!hasRole(raw)) continue;
        group ??= internGroup(rs?.resource?.attributes, groups);
        const timed = toTimedSpan(raw, group);
        if (typeof timed === 'string') {
          counts.invalid++;
          problem(`a span (${raw.name ?? 'no name'}) ${timed}; it was skipped`);
        } else out.push(timed);
      }
    }
  }
  return out;
}

/** Earliest span end in a request, in ms (for ordering records across files); undefined without spans. */
export function requestTime(request: JsonTraceRequest): number | undefined {
  let min: number | undefined;
  for (const rs of Array.isArray(request.resourceSpans) ? request.resourceSpans : []) {
    for (const ss of Array.isArray(rs?.scopeSpans) ? rs.scopeSpans : []) {
      for (const span of Array.isArray(ss?.spans) ? ss.spans : []) {
        const time = nanosToHrTime(span?.endTimeUnixNano);
        if (time === undefined) continue;
        const ms = time[0] * 1e3 + time[1] / 1e6;
        if (min === undefined || ms < min) min = ms;
      }
    }
  }
  return min;
}

function hasRole(span: JsonSpan): boolean {
  if (span === null || typeof span !== 'object') return false;
  if (span.name === SPAN_NAME_RL_REWARD) return true;
  const attributes = span.attributes;
  if (!Array.isArray(attributes)) return false;
  for (const kv of attributes) {
    const key = kv?.key;
    if (key === ATTR_RL_ACTION_KIND || key === ATTR_RL_EPISODE_DONE) return true;
  }
  return false;
}

function toTimedSpan(raw: JsonSpan, group: string): TimedSpan | string {
  const traceId = hexId(raw.traceId, 16);
  if (traceId === undefined) return 'has no valid traceId';
  const spanId = hexId(raw.spanId, 8);
  if (spanId === undefined) return 'has no valid spanId';
  const start = nanosToHrTime(raw.startTimeUnixNano);
  if (start === undefined) return 'has no valid startTimeUnixNano';
  const end = nanosToHrTime(raw.endTimeUnixNano) ?? start;
  const attributes: Record<string, AttributeValue> = {};
  if (Array.isArray(raw.attributes)) {
    for (const kv of raw.attributes) {
      if (typeof kv?.key !== 'string') continue;
      const value = attributeValue(kv.value);
      if (value !== undefined) attributes[kv.key] = value;
    }
  }
  // The same conversion an SDK span goes through in-process.
  const span = toSpanData({
    name: typeof raw.name === 'string' ? raw.name : '',
    spanContext: () => ({ traceId, spanId }),
    startTime: start,
    attributes,
  });
  return { span, endMs: end[0] * 1e3 + end[1] / 1e6, group };
}

function internGroup(attributes: JsonKeyValue[] | undefined, groups: Map<string, string>): string {
  const pairs: string[] = [];
  if (Array.isArray(attributes)) {
    for (const kv of attributes) {
      if (typeof kv?.key === 'string') pairs.push(`${kv.key}=${JSON.stringify(attributeValue(kv.value))}`);
    }
  }
  const key = pairs.sort().join('\n');
  let interned = groups.get(key);
  if (interned === undefined) {
    interned = String(groups.size);
    groups.set(key, interned);
  }
  return interned;
}

/** An OTLP/JSON AnyValue as a span attribute value; undefined when empty. */
export function attributeValue(value: JsonAnyValue | undefined): AttributeValue | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (value.stringValue !== undefined) return String(value.stringValue);
  if (value.boolValue !== undefined) return value.boolValue === true;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return Number(value.doubleValue);
  if (value.arrayValue !== undefined) {
    const values = Array.isArray(value.arrayValue?.values) ? value.arrayValue.values : [];
    return values.map((v) => {
      const item = attributeValue(v);
      return item === undefined || Array.isArray(item) ? null : item;
    });
  }
  if (value.kvlistValue !== undefined) {
    // Not an attribute type the JS SDK produces: kept readable as JSON text.
    const out: Record<string, unknown> = {};
    for (const kv of value.kvlistValue?.values ?? []) {
      if (typeof kv?.key === 'string') out[kv.key] = attributeValue(kv.value);
    }
    return JSON.stringify(out);
  }
  if (value.bytesValue !== undefined) return String(value.bytesValue);
  return undefined;
}

const HEX = /^[0-9a-fA-F]+$/;

/** A trace or span id in lowercase hex; OTLP/JSON writes hex, protobuf's generic JSON mapping base64. */
export function hexId(id: unknown, bytes: number): string | undefined {
  if (typeof id !== 'string') return undefined;
  if (id.length === bytes * 2 && HEX.test(id)) return id.toLowerCase();
  if (id.length === Math.ceil(bytes / 3) * 4) {
    const decoded = Buffer.from(id, 'base64');
    if (decoded.length === bytes) return decoded.toString('hex');
  }
  return undefined;
}

const DIGITS = /^\d{1,21}$/;

/** Nanoseconds since the epoch (a decimal string, as OTLP/JSON writes uint64, or a number) as [seconds, nanoseconds]. */
export function nanosToHrTime(value: unknown): [number, number] | undefined {
  if (typeof value === 'string') {
    if (!DIGITS.test(value)) return undefined;
    if (value.length <= 9) return [0, Number(value)];
    return [Number(value.slice(0, -9)), Number(value.slice(-9))];
  }
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
    const seconds = Math.floor(value / 1e9);
    return [seconds, Math.round(value - seconds * 1e9)];
  }
  return undefined;
}

/**
 * An OTLP/HTTP trace receiver on 127.0.0.1: decodes protobuf (and JSON)
 * bodies, gzip or not, and keeps the spans for assertions.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeTraceRequest, type OtlpSpan, type OtlpValue } from './protobuf.ts';

export interface ReceivedRequest {
  path: string;
  contentType: string;
  contentEncoding: string;
  headers: IncomingMessage['headers'];
  spans: OtlpSpan[];
}

export interface OtlpReceiver {
  readonly url: string;
  readonly port: number;
  readonly requests: ReceivedRequest[];
  spans(): OtlpSpan[];
  /** Resolves when at least `count` spans matching `filter` arrived (or rejects after `timeoutMs`). */
  waitForSpans(count: number, filter?: (s: OtlpSpan) => boolean, timeoutMs?: number): Promise<OtlpSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(options: { status?: number } = {}): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const endpoint = await listenForTraces((request) => requests.push(request), options.status);
  const all = () => requests.flatMap((r) => r.spans);
  return {
    url: endpoint.url,
    port: endpoint.port,
    requests,
    spans: all,
    async waitForSpans(count, filter = () => true, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = all().filter(filter);
        if (found.length >= count) return found;
        if (Date.now() > until)
          throw new Error(`expected ${count} spans, got ${found.length} (of ${all().length})`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: endpoint.close,
  };
}

interface TraceEndpoint {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The OTLP/HTTP trace endpoint on 127.0.0.1 of the receiver above: each
 * request's body, gzip or not, decoded as protobuf or JSON by its content type
 * and handed to `received`, then answered with `status` in the same encoding;
 * a body it cannot decode gets a 400.
 */
async function listenForTraces(
  received: (request: ReceivedRequest) => void,
  status = 200,
): Promise<TraceEndpoint> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Buffer = Buffer.concat(chunks);
      const contentEncoding = String(req.headers['content-encoding'] ?? '');
      const contentType = String(req.headers['content-type'] ?? '');
      const json = contentType.includes('json');
      try {
        if (contentEncoding === 'gzip') body = gunzipSync(body);
        const spans = json ? decodeJsonRequest(body.toString('utf8')) : decodeTraceRequest(body);
        received({ path: req.url ?? '', contentType, contentEncoding, headers: req.headers, spans });
        res.writeHead(status, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
        res.end(json ? '{}' : undefined);
      } catch (error) {
        res.writeHead(400);
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type JsonAny = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: JsonAny[] };
  kvlistValue?: { values?: JsonKv[] };
  bytesValue?: string;
};
type JsonKv = { key: string; value?: JsonAny };

function jsonValue(v: JsonAny | undefined): OtlpValue {
  if (v === undefined) return null;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(jsonValue);
  if (v.kvlistValue !== undefined) return jsonAttributes(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return null;
}

function jsonAttributes(list: JsonKv[] | undefined): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const kv of list ?? []) out[kv.key] = jsonValue(kv.value);
  return out;
}

/** OTLP/JSON (as the Collector's file exporter and http/json exporters write it) into the same shape. */
export function decodeJsonRequest(text: string): OtlpSpan[] {
  const doc = JSON.parse(text) as {
    resourceSpans?: Array<{
      resource?: { attributes?: JsonKv[] };
      scopeSpans?: Array<{
        scope?: { name?: string; version?: string };
        spans?: Array<Record<string, unknown>>;
      }>;
    }>;
  };
  const out: OtlpSpan[] = [];
  for (const rs of doc.resourceSpans ?? []) {
    const resource = jsonAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      const scope = { name: ss.scope?.name ?? '', version: ss.scope?.version ?? '' };
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: String(s.traceId ?? ''),
          spanId: String(s.spanId ?? ''),
          parentSpanId: String(s.parentSpanId ?? ''),
          name: String(s.name ?? ''),
          kind: Number(s.kind ?? 0),
          startTimeUnixNano: BigInt(String(s.startTimeUnixNano ?? 0)),
          endTimeUnixNano: BigInt(String(s.endTimeUnixNano ?? 0)),
          attributes: jsonAttributes(s.attributes as JsonKv[] | undefined),
          events: ((s.events as Array<Record<string, unknown>>) ?? []).map((e) => ({
            name: String(e.name ?? ''),
            timeUnixNano: BigInt(String(e.timeUnixNano ?? 0)),
            attributes: jsonAttributes(e.attributes as JsonKv[] | undefined),
          })),
          links: ((s.links as Array<Record<string, unknown>>) ?? []).map((l) => ({
            traceId: String(l.traceId ?? ''),
            spanId: String(l.spanId ?? ''),
            attributes: jsonAttributes(l.attributes as JsonKv[] | undefined),
          })),
          status: {
            code: Number((s.status as { code?: number } | undefined)?.code ?? 0),
            message: String((s.status as { message?: string } | undefined)?.message ?? ''),
          },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

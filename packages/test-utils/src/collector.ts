/**
 * An OTLP/HTTP receiver that writes what it receives the way the
 * OpenTelemetry Collector's `file` exporter does with `format: json`: one
 * `ExportTraceServiceRequest` per line, ids in hex, 64-bit integers and
 * timestamps as strings. It takes protobuf (the default of our exporter) and
 * JSON bodies, gzip or not, like the Collector's OTLP receiver.
 */
import type { OtlpSpan, OtlpValue } from './protobuf.ts';
import { startOtlpReceiver } from './receiver.ts';

export interface CollectorReceiver {
  readonly url: string;
  /** The lines written so far (each export request with spans, as JSON text). */
  readonly lines: string[];
  /** Content types of the requests received. */
  readonly contentTypes: string[];
  /** Resolves when at least `count` spans arrived (or rejects after `timeoutMs`). */
  waitForSpans(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startCollectorReceiver(): Promise<CollectorReceiver> {
  const receiver = await startOtlpReceiver();
  return {
    url: receiver.url,
    get lines() {
      return receiver.requests.filter((r) => r.spans.length > 0).map((r) => collectorJson(r.spans));
    },
    get contentTypes() {
      return receiver.requests.map((r) => r.contentType);
    },
    async waitForSpans(count, timeoutMs) {
      await receiver.waitForSpans(count, undefined, timeoutMs);
    },
    close: receiver.close,
  };
}

/** Spans as one OTLP/JSON export request, in the Collector's JSON encoding (grouped by resource and scope). */
export function collectorJson(spans: readonly OtlpSpan[]): string {
  const resources = new Map<Record<string, OtlpValue>, Map<string, OtlpSpan[]>>();
  for (const span of spans) {
    let scopes = resources.get(span.resource);
    if (scopes === undefined) resources.set(span.resource, (scopes = new Map()));
    const scopeKey = `${span.scope.name}\u0000${span.scope.version}`;
    let list = scopes.get(scopeKey);
    if (list === undefined) scopes.set(scopeKey, (list = []));
    list.push(span);
  }
  const resourceSpans = [...resources].map(([resource, scopes]) => ({
    resource: { attributes: keyValues(resource) },
    scopeSpans: [...scopes.values()].map((list) => ({
      scope: { name: (list[0] as OtlpSpan).scope.name, version: (list[0] as OtlpSpan).scope.version },
      spans: list.map((s) => ({
        traceId: s.traceId,
        spanId: s.spanId,
        ...(s.parentSpanId === '' ? {} : { parentSpanId: s.parentSpanId }),
        flags: 257,
        name: s.name,
        kind: s.kind,
        startTimeUnixNano: String(s.startTimeUnixNano),
        endTimeUnixNano: String(s.endTimeUnixNano),
        attributes: keyValues(s.attributes),
        ...(s.events.length === 0
          ? {}
          : {
              events: s.events.map((e) => ({
                timeUnixNano: String(e.timeUnixNano),
                name: e.name,
                attributes: keyValues(e.attributes),
              })),
            }),
        ...(s.links.length === 0
          ? {}
          : {
              links: s.links.map((l) => ({
                traceId: l.traceId,
                spanId: l.spanId,
                attributes: keyValues(l.attributes),
                flags: 256,
              })),
            }),
        status:
          s.status.code === 0
            ? {}
            : { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
      })),
    })),
  }));
  return JSON.stringify({ resourceSpans });
}

function keyValues(attributes: Record<string, OtlpValue>): Array<{ key: string; value: unknown }> {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));
}

function anyValue(value: OtlpValue): unknown {
  if (value === null) return {};
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return { kvlistValue: { values: keyValues(value) } };
}

// The OpenTelemetry JS SDK alone, as an `--import` preload: no instrumentation
// library, no RL. A TracerProvider (resource `service.name` from
// OTEL_SERVICE_NAME) with a BatchSpanProcessor and upstream's OTLP/protobuf
// exporter (OTEL_EXPORTER_OTLP_ENDPOINT), registered globally with an
// AsyncLocalStorage context manager. For node:http it starts one SERVER span per
// request with the stable HTTP attributes and runs the request handler inside
// it; nothing else (no query, no fs call) is patched. What an app costs under
// this preload is the least any SDK-based instrumentation must cost it: the
// benchmarks' "SDK floor".
import http from 'node:http';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const env = process.env;
/** The same OTEL_BSP_* settings the other two variants honour (none are set by the benchmarks). */
const bsp = {};
for (const [key, name] of [
  ['scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'],
  ['maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'],
  ['maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
  ['exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'],
]) {
  const value = Number(env[name]);
  if (Number.isInteger(value) && value > 0) bsp[key] = value;
}

const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'unknown_service:node' }),
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...bsp })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
const tracer = trace.getTracer('sdk-floor');

// One SERVER span per request, ended when the response finishes.
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req, res) {
  // biome-ignore lint/complexity/noArguments: passes every argument through unchanged
  if (event !== 'request') return emit.apply(this, arguments);
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const host = req.headers.host ?? '';
  const colon = host.lastIndexOf(':');
  const hasPort = colon !== -1 && colon > host.lastIndexOf(']');
  const span = tracer.startSpan(req.method, {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': req.method,
      'url.path': query === -1 ? url : url.slice(0, query),
      'url.scheme': req.socket.encrypted ? 'https' : 'http',
      'server.address': hasPort ? host.slice(0, colon) : host,
      'server.port': hasPort ? Number(host.slice(colon + 1)) : req.socket.localPort,
      'network.protocol.version': req.httpVersion,
    },
  });
  res.once('finish', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    span.end();
  });
  // biome-ignore lint/complexity/noArguments: as above
  return context.with(trace.setSpan(context.active(), span), emit, this, ...arguments);
};

// Spans are exported on SIGTERM (then exit 0) and when a script runs out of work.
let stopping = false;
process.once('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  provider.shutdown().finally(() => process.exit(0));
});
process.once('beforeExit', () => {
  if (stopping) return;
  stopping = true;
  void provider.shutdown();
});

// An empty CommonJS script: it only reports its peak memory and whether an OpenTelemetry SDK was registered.
const api = globalThis[Symbol.for('opentelemetry.js.api.1')];
process.stdout.write(
  `${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, instrumented: Boolean(api?.trace) })}\n`,
);

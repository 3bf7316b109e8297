// A local OTLP/HTTP trace sink on 127.0.0.1 that counts the spans each service exported:
// an instrumented run that exported nothing is invalid, not fast.
//
// It runs in the benchmark runner, which shares the machine's cores with the measured
// server, so while a run is going it only keeps the raw request bodies and answers them;
// they are unzipped and decoded (test-utils' decoders) when `count()` is first called
// afterwards, and then dropped, leaving only the tallies.
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { decodeJsonRequest, decodeTraceRequest } from '@rl-otel/test-utils';

export async function startSpanSink() {
  /** Bodies received and not decoded yet: `{ body, gzip, json }`. */
  let pending = [];
  /** service.name → span kind → spans. */
  let tally = new Map();
  /** Bodies that did not decode (counted, not fatal: the suites judge runs by their spans). */
  let malformed = 0;

  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const json = String(req.headers['content-type'] ?? '').includes('json');
      pending.push({
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
        gzip: req.headers['content-encoding'] === 'gzip',
        json,
      });
      // An empty ExportTraceServiceResponse: no bytes in protobuf, `{}` in JSON.
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  function decodePending() {
    const bodies = pending;
    pending = [];
    for (const { body, gzip, json } of bodies) {
      let spans;
      try {
        const raw = gzip ? gunzipSync(body) : body;
        spans = json ? decodeJsonRequest(raw.toString('utf8')) : decodeTraceRequest(raw);
      } catch {
        malformed++;
        continue;
      }
      for (const span of spans) {
        const service = String(span.resource['service.name']);
        let kinds = tally.get(service);
        if (kinds === undefined) tally.set(service, (kinds = new Map()));
        kinds.set(span.kind, (kinds.get(span.kind) ?? 0) + 1);
      }
    }
  }

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    /** Spans received from one service (OTEL_SERVICE_NAME), optionally of one kind (2 = server). */
    count(service, kind) {
      decodePending();
      const kinds = tally.get(service);
      if (kinds === undefined) return 0;
      if (kind !== undefined) return kinds.get(kind) ?? 0;
      let n = 0;
      for (const k of kinds.values()) n += k;
      return n;
    },
    /** Request bodies since the last reset that were not valid OTLP. */
    malformed() {
      decodePending();
      return malformed;
    },
    reset() {
      pending = [];
      tally = new Map();
      malformed = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

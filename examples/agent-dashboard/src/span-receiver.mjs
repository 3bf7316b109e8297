// A tiny OTLP/HTTP (JSON) trace receiver on 127.0.0.1, so that `npm start`
// shows the spans next to the triplets without any collector installed: it
// counts the spans it receives by `rl.action.kind` (or "other").
import { createServer } from 'node:http';

export async function startSpanReceiver() {
  const counts = new Map();
  let total = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d) => (body += d));
    req.on('end', () => {
      try {
        for (const rs of JSON.parse(body).resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) {
            for (const span of ss.spans ?? []) {
              const kind =
                span.attributes?.find((a) => a.key === 'rl.action.kind')?.value?.stringValue ?? 'other';
              counts.set(kind, (counts.get(kind) ?? 0) + 1);
              total++;
            }
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    total: () => total,
    counts: () => new Map(counts),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

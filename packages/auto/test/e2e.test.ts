import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  type OtlpReceiver,
  readJsonl,
  rlWarnings,
  runNode,
  startOtlpReceiver,
  startServer,
} from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'rl-auto-'));

async function get(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { headers });
  await res.text();
  return res.status;
}

describe('node --import @rl-otel/auto on node:http apps', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const fixture of ['server.mjs', 'server.cjs']) {
    test(`${fixture}: OTLP http/protobuf spans and one triplet line per request`, async () => {
      const triplets = join(tmp(), 'triplets.jsonl');
      const service = `svc-${fixture}`;
      const server = await startServer(fixture, {
        cwd: fixtures,
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          RL_OTEL_TRIPLETS_FILE: triplets,
        },
      });
      const statuses: number[] = [];
      for (const path of ['/ok', '/ok?token=secret123&page=2', '/fail', '/missing', '/item/7']) {
        statuses.push(await get(server.url + path));
      }
      assert.deepEqual(statuses, [200, 200, 500, 404, 200]);
      const spans = await receiver.waitForSpans(5, (s) => s.resource['service.name'] === service);
      const result = await server.stop('SIGTERM');
      assert.equal(
        result.signal,
        'SIGTERM',
        'the process still ends by the signal, as without instrumentation',
      );
      assert.deepEqual(rlWarnings(result.stderr), []);

      assert.equal(
        receiver.spans().filter((s) => s.resource['service.name'] === service).length,
        5,
        'span count equals request count',
      );
      assert.ok(receiver.requests.every((r) => r.contentType === 'application/x-protobuf'));
      for (const span of spans) {
        assert.equal(span.kind, 2, 'SERVER');
        assert.equal(span.attributes['http.request.method'], 'GET');
        assert.equal(typeof span.attributes['http.response.status_code'], 'number');
        assert.equal(span.attributes['url.scheme'], 'http');
        assert.equal(span.attributes['rl.action.kind'], 'http');
        assert.equal(span.attributes['rl.action.name'], 'GET (unmatched)', 'never the raw path');
        assert.equal(typeof span.attributes['rl.episode.id'], 'string');
        assert.equal(span.attributes['rl.step.index'], 0);
        assert.equal(typeof span.attributes['rl.reward.value'], 'number');
        assert.equal(typeof span.attributes['rl.state.hash'], 'string');
      }
      const failed = spans.find((s) => s.attributes['url.path'] === '/fail');
      assert.equal(failed?.status.code, 2, 'ERROR for a 5xx');
      assert.equal(failed?.attributes['error.type'], '500');
      assert.equal(failed?.attributes['rl.reward.component.success'], 0);
      const withQuery = spans.find((s) => s.attributes['url.query'] !== undefined);
      assert.equal(withQuery?.attributes['url.query'], 'token=REDACTED&page=2');

      const lines = readJsonl<Triplet>(triplets);
      assert.equal(lines.length, 5, 'one triplet line per request');
      for (const line of lines) {
        assert.equal(line.schema, 'rl-otel.triplet/v1');
        assert.equal(typeof line.episode_id, 'string');
        assert.equal(line.step, 0);
        assert.equal(typeof line.state.heap_used_mb, 'number');
        assert.equal(line.action.name, 'GET (unmatched)');
        assert.equal(typeof line.reward.value, 'number');
        assert.equal(line.done, true);
        assert.ok(
          spans.some(
            (s) => s.spanId === line.span_id && s.attributes['rl.reward.value'] === line.reward.value,
          ),
        );
      }
    });
  }

  test('baggage rl.episode.id forms one episode; outgoing calls carry traceparent and baggage', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const echo = createServer((req, res) => {
      seen.push(req.headers);
      res.end('echo');
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoPort = (echo.address() as AddressInfo).port;
    const triplets = join(tmp(), 'triplets.jsonl');
    const server = await startServer('server.mjs', {
      cwd: fixtures,
      env: { RL_OTEL_TRIPLETS_FILE: triplets },
    });
    try {
      for (let i = 0; i < 3; i++)
        await get(`${server.url}/item/${i}`, { baggage: 'rl.episode.id=episode-X' });
      await get(`${server.url}/call?port=${echoPort}`, { baggage: 'rl.episode.id=episode-X,user=7' });
      await get(`${server.url}/ok`, { baggage: 'rl.episode.id=episode-Y' });
    } finally {
      await server.stop();
      echo.close();
    }
    const lines = readJsonl<Triplet>(triplets);
    const x = lines.filter((l) => l.episode_id === 'episode-X');
    assert.deepEqual(
      x.map((l) => l.step),
      [0, 1, 2, 3],
      'steps of one episode count up across requests',
    );
    assert.ok(
      x.every((l) => l.done === false),
      'an episode from baggage is owned upstream: never marked done here',
    );
    assert.deepEqual(
      lines.filter((l) => l.episode_id === 'episode-Y').map((l) => l.step),
      [0],
    );
    const call = x[3];
    assert.equal(
      call?.reward.components.http_client_calls,
      2,
      'both outgoing calls fold into the request action',
    );
    assert.equal(seen.length, 2);
    for (const headers of seen) {
      assert.match(String(headers.traceparent), new RegExp(`^00-${call?.trace_id}-[0-9a-f]{16}-01$`));
      assert.match(String(headers.baggage), /rl\.episode\.id=episode-X/);
      assert.match(String(headers.baggage), /user=7/);
    }
  });

  test('bad configuration: one clear warning each, the app serves, its exit code is unchanged', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'not-a-dir'), 'x');
    for (const fixture of ['script.mjs', 'script.cjs']) {
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: {
          RL_OTEL_REWARD_WEIGHTS: 'garbage',
          OTEL_TRACES_EXPORTER: 'bogus',
          RL_OTEL_TRIPLETS_FILE: join(dir, 'not-a-dir', 'triplets.jsonl'),
          EXIT_CODE: '3',
        },
      });
      assert.equal(result.code, 3, result.stderr);
      assert.match(result.stdout, /served/);
      const warnings = rlWarnings(result.stderr);
      assert.equal(warnings.length, 3, warnings.join('\n'));
      assert.ok(warnings.some((w) => /RL_OTEL_REWARD_WEIGHTS is not valid/.test(w)));
      assert.ok(warnings.some((w) => /unknown exporter "bogus"/.test(w)));
      assert.ok(warnings.some((w) => /cannot write the triplet file/.test(w)));
    }
  });

  test('a short script writes its triplets and exports its spans on a normal exit', async () => {
    const triplets = join(tmp(), 'triplets.jsonl');
    const result = await runNode('script.cjs', {
      cwd: fixtures,
      env: {
        RL_OTEL_TRIPLETS_FILE: triplets,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'script',
      },
    });
    assert.equal(result.code, 0, result.stderr);
    const lines = readJsonl<Triplet>(triplets);
    assert.equal(lines.length, 3);
    assert.deepEqual(
      lines.map((l) => l.reward.components.success),
      [1, 0, 1],
    );
    assert.equal(
      receiver.spans().filter((s) => s.resource['service.name'] === 'script' && s.kind === 2).length,
      3,
    );
  });

  test('collector down: the app serves normally, memory stays bounded, one warning', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const server = await startServer('server.mjs', {
      cwd: fixtures,
      nodeArgs: ['--expose-gc', '--import', '@rl-otel/auto'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${deadPort}`,
        OTEL_BSP_SCHEDULE_DELAY: '20',
        // Connection refused is retried with back-off until this timeout; keep the test short.
        OTEL_EXPORTER_OTLP_TIMEOUT: '300',
        RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl'),
      },
    });
    const heap = async () =>
      ((await (await fetch(`${server.url}/mem`)).json()) as { heapUsed: number }).heapUsed;
    const burst = async (n: number) => {
      for (let i = 0; i < n; i += 50) {
        const statuses = await Promise.all(Array.from({ length: 50 }, () => get(`${server.url}/ok`)));
        assert.ok(statuses.every((s) => s === 200));
      }
    };
    await burst(2000);
    const warm = await heap();
    await burst(6000);
    const later = await heap();
    const result = await server.stop();
    const warnings = rlWarnings(result.stderr);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /could not export spans to http:\/\/127\.0\.0\.1:\d+\/v1\/traces/);
    assert.ok(
      later - warm < 16 * 1024 * 1024,
      `heap grew by ${((later - warm) / 1048576).toFixed(1)} MiB over 6000 requests`,
    );
  });

  test('SIGTERM under load: every completed request has its triplet line, no partial lines', async () => {
    const triplets = join(tmp(), 'triplets.jsonl');
    const server = await startServer('server.mjs', {
      cwd: fixtures,
      env: { RL_OTEL_TRIPLETS_FILE: triplets },
    });
    const completed = new Set<string>();
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const path = `/item/${n++}?delay=${n % 5}`;
        try {
          const res = await fetch(server.url + path);
          if ((await res.text()) === path.split('?')[0]) completed.add(path.split('?')[0] as string);
        } catch {
          // the server went away mid-request: that request did not complete
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((r) => setTimeout(r, 700));
    const result = await server.stop('SIGTERM');
    stop = true;
    await Promise.all(workers);
    assert.equal(result.signal, 'SIGTERM');
    const lines = readJsonl<Triplet>(triplets);
    const written = new Set(lines.map((l) => String(l.action.attributes['url.path'])));
    const missing = [...completed].filter((p) => !written.has(p));
    assert.ok(completed.size > 50, `only ${completed.size} requests completed`);
    assert.deepEqual(
      missing,
      [],
      `${missing.length} of ${completed.size} completed requests have no triplet`,
    );
  });
});

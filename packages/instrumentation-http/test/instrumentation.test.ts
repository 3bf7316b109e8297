import assert from 'node:assert/strict';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata } from '@opentelemetry/core';
import { recordHandlerError } from '@rl-otel/core/instrumentation';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { setupTracing } from '@rl-otel/test-utils/tracing';

const { provider, exporter, sink, warnings, reset } = setupTracing();

const throwing = () => {
  throw new Error('hook failed');
};
const instrumentation = new HttpInstrumentation({ requestHook: throwing, responseHook: throwing });
instrumentation.setTracerProvider(provider);

function request(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

describe('HttpInstrumentation in a hand-built SDK', () => {
  let server: Server;
  let port: number;
  before(async () => {
    server = createServer((req, res) => {
      // What a framework plugin does with an error its app's error handler then answers.
      if (req.url === '/handled') {
        const rpc = getRPCMetadata(context.active());
        if (rpc !== undefined) recordHandlerError(rpc.span, new TypeError('bad input'));
      }
      res.statusCode = req.url === '/boom' || req.url === '/handled' ? 503 : 200;
      res.end('x');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => server.close());
  beforeEach(() => reset());

  test('creates valid spans even if the configuration hooks fail', async () => {
    assert.equal(await request(port, '/ok'), 200);
    assert.equal(await request(port, '/boom'), 503);
    const spans = exporter.getFinishedSpans().filter((s) => s.kind === 1);
    assert.equal(spans.length, 2);
    assert.equal(spans[1]?.status.code, 2);
    assert.equal(sink.triplets.length, 2);
    assert.equal(sink.triplets[1]?.reward.components.success, 0);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.ok(warnings.every((w) => /hook failed/.test(w)));
  });

  test('a 5xx keeps the error.type and status message a framework recorded; without one, the status code', async () => {
    assert.equal(await request(port, '/handled'), 503);
    assert.equal(await request(port, '/boom'), 503);
    const [handled, boom] = exporter.getFinishedSpans().filter((s) => s.kind === 1);
    assert.equal(handled?.attributes['error.type'], 'TypeError');
    assert.deepEqual(handled?.status, { code: 2, message: 'bad input' });
    assert.equal(handled?.events[0]?.name, 'exception');
    assert.equal(boom?.attributes['error.type'], '503');
    assert.equal(boom?.status.code, 2);
    assert.deepEqual(
      sink.triplets.map((t) => t.reward.components.success),
      [0, 0],
    );
  });

  test('outgoing calls outside any span are not recorded (requireParentSpan)', async () => {
    await fetch(`http://127.0.0.1:${port}/ok`).then((r) => r.text());
    assert.equal(exporter.getFinishedSpans().filter((s) => s.kind === 2).length, 0);
    await trace.getTracer('t').startActiveSpan('parent', async (span) => {
      await fetch(`http://127.0.0.1:${port}/ok`).then((r) => r.text());
      await request(port, '/ok');
      span.end();
    });
    const clients = exporter.getFinishedSpans().filter((s) => s.kind === 2);
    assert.equal(clients.length, 2);
    assert.ok(clients.every((s) => s.attributes['rl.action.kind'] === 'http.client'));
    assert.ok(clients.every((s) => s.attributes['rl.action.name'] === `GET 127.0.0.1`));
  });

  test('disable() unhooks servers and clients; enable() hooks them again', async () => {
    instrumentation.disable();
    await trace.getTracer('t').startActiveSpan('parent', async (span) => {
      await request(port, '/ok');
      await fetch(`http://127.0.0.1:${port}/ok`).then((r) => r.text());
      span.end();
    });
    assert.deepEqual(
      exporter.getFinishedSpans().map((s) => s.name),
      ['parent'],
    );
    instrumentation.enable();
    await request(port, '/ok');
    assert.equal(exporter.getFinishedSpans().filter((s) => s.kind === 1).length, 1);
  });
});

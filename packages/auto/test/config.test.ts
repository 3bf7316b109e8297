import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readConfig } from '../src/config.ts';

test('no configuration: triplets to the default local file, nothing over the network', () => {
  const { config, problems } = readConfig({}, '/app');
  assert.deepEqual(problems, []);
  assert.deepEqual(config.exporters, []);
  assert.equal(config.tripletsFile, '/app/.rl-otel/triplets.jsonl');
  assert.equal(config.otlpProtocol, 'http/protobuf');
  assert.deepEqual(config.propagators, ['tracecontext', 'baggage']);
  assert.equal(config.enabledPlugins, 'all');
  assert.equal(config.disabled, false);
});

test('an OTLP endpoint turns OTLP export on; protocols and exporters are read', () => {
  assert.deepEqual(
    readConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, '/').config.exporters,
    ['otlp'],
  );
  const { config } = readConfig(
    { OTEL_TRACES_EXPORTER: 'console, otlp,none', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
    '/',
  );
  assert.deepEqual(config.exporters, ['console', 'otlp']);
  assert.equal(config.otlpProtocol, 'http/json');
  assert.deepEqual(
    readConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'x' }, '/').config.exporters,
    [],
  );
});

test('plugin lists accept short and package names', () => {
  const { config } = readConfig(
    {
      OTEL_NODE_ENABLED_INSTRUMENTATIONS:
        'http,@rl-otel/instrumentation-express,@opentelemetry/instrumentation-pg',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'fs',
    },
    '/',
  );
  assert.deepEqual([...(config.enabledPlugins as Set<string>)], ['http', 'express', 'pg']);
  assert.deepEqual([...config.disabledPlugins], ['fs']);
});

test('bad values are reported in plain words and replaced by defaults', () => {
  const { config, problems } = readConfig(
    {
      OTEL_TRACES_EXPORTER: 'jaeger',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_LOG_LEVEL: 'loud',
      RL_OTEL_TRIPLET_QUEUE: '-5',
      RL_OTEL_ESM_HOOKS: 'maybe',
      OTEL_RESOURCE_ATTRIBUTES: 'team=rl,broken',
    },
    '/',
  );
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.match(problems[0] ?? '', /unknown exporter "jaeger"/);
  assert.equal(config.otlpProtocol, 'http/protobuf');
  assert.equal(config.tripletQueue, 10_000);
  assert.equal(config.esmHooks, 'auto');
  assert.deepEqual(config.resourceAttributes, { team: 'rl' });
});

test('RL_OTEL_TRIPLETS_FILE: relative to the working directory, or none', () => {
  assert.equal(
    readConfig({ RL_OTEL_TRIPLETS_FILE: 'out/t.jsonl' }, '/srv').config.tripletsFile,
    '/srv/out/t.jsonl',
  );
  assert.equal(
    readConfig({ RL_OTEL_TRIPLETS_FILE: '/tmp/t.jsonl' }, '/srv').config.tripletsFile,
    '/tmp/t.jsonl',
  );
  assert.equal(readConfig({ RL_OTEL_TRIPLETS_FILE: 'none' }, '/srv').config.tripletsFile, undefined);
  assert.equal(readConfig({ OTEL_SDK_DISABLED: 'TRUE' }, '/').config.disabled, true);
});

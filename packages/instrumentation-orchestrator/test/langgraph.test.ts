import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { before, describe, test } from 'node:test';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { withEpisode } from '@rl-otel/core';
import { episodeDone, reward, runModelCall } from '@rl-otel/instrumentation-orchestrator';
import { setup } from './helpers.ts';

// The instrumentation patches LangGraph when it is loaded (require hook), so it is required after setup().
const requireHere = createRequire(import.meta.url);
type LangGraph = typeof import('@langchain/langgraph');
let lg: LangGraph;

/** plan → code → test, back to code until the tests pass (on the second try), then END. */
function devGraph(seen: string[] = []) {
  const { StateGraph, Annotation, START, END } = lg;
  const State = Annotation.Root({
    tries: Annotation<number>({ reducer: (a, b) => a + b, default: () => 0 }),
    passed: Annotation<boolean>({ reducer: (_a, b) => b, default: () => false }),
  });
  return new StateGraph(State)
    .addNode('plan', async () => {
      seen.push(String((trace.getActiveSpan() as unknown as { name?: string })?.name));
      await runModelCall({ model: 'planner-llm' }, (call) => {
        call.usage = { inputTokens: 5, outputTokens: 5 };
      });
      return {};
    })
    .addNode('code', () => ({ tries: 1 }))
    .addNode('test', (s) => {
      const passed = s.tries >= 2;
      reward(passed ? 1 : -0.2, { name: 'tests' });
      return { passed };
    })
    .addEdge(START, 'plan')
    .addEdge('plan', 'code')
    .addEdge('code', 'test')
    .addConditionalEdges('test', (s) => (s.passed ? END : 'code'))
    .compile({ name: 'dev' });
}

describe('LangGraph.js adapter', () => {
  before(() => {
    setup();
    lg = requireHere('@langchain/langgraph') as LangGraph;
  });

  test('a graph run is an episode and each node execution a step; node code runs inside its step', async () => {
    const h = setup();
    const seen: string[] = [];
    const out = await devGraph(seen).invoke({});
    assert.equal(out.passed, true);
    assert.deepEqual(seen, ['invoke_agent plan']);
    const episode = h.span('invoke_workflow dev');
    assert.equal(episode.attributes['gen_ai.operation.name'], 'invoke_workflow');
    const lines = h.sink.triplets;
    assert.deepEqual(
      lines.map((l) => [l.step, l.action.name, l.done]),
      [
        [0, 'plan', false],
        [1, 'code', false],
        [2, 'test', false],
        [3, 'code', false],
        [4, 'test', true],
      ],
    );
    assert.ok(lines.every((l) => l.episode_id === episode.attributes['rl.episode.id']));
    assert.equal(lines[0]?.reward.components.llm_calls, 1);
    assert.equal(lines[0]?.reward.components.tokens, 10);
    assert.equal(lines[2]?.reward.value, -0.2, 'an explicit reward replaces the heuristic one');
    assert.equal(lines[4]?.reward.value, 1);
    const plan = h.span('invoke_agent plan');
    assert.equal(plan.attributes['gen_ai.agent.name'], 'plan');
    assert.equal(plan.parentSpanContext?.spanId, episode.spanContext().spanId);
    assert.equal(h.span('chat planner-llm').parentSpanContext?.spanId, plan.spanContext().spanId);
    assert.deepEqual(h.warnings, []);
  });

  test('stream() is traced like invoke(); inside a running episode the graph joins it', async () => {
    const h = setup();
    await withEpisode('outer', async () => {
      for await (const _ of await devGraph().stream({})) {
        // consume
      }
      episodeDone({ reward: 2 });
    });
    const lines = h.sink.triplets;
    assert.equal(lines.length, 5);
    assert.ok(lines.every((l) => l.episode_id === 'outer'));
    assert.equal(lines[4]?.reward.components.episode, 2);
    assert.equal(
      h.spans().filter((s) => s.name === 'invoke_workflow dev').length,
      1,
      'a workflow span, not an episode',
    );
  });

  test('a node that throws: the error reaches the caller unchanged, the step and episode record it', async () => {
    const h = setup();
    const { StateGraph, Annotation, START, END } = lg;
    const boom = new Error('compile error');
    const graph = new StateGraph(Annotation.Root({ x: Annotation<number>() }))
      .addNode('build', () => {
        throw boom;
      })
      .addEdge(START, 'build')
      .addEdge('build', END)
      .compile();
    await assert.rejects(graph.invoke({ x: 1 }), (e) => e === boom);
    const step = h.span('invoke_agent build');
    assert.equal(step.status.code, SpanStatusCode.ERROR);
    const [line] = h.sink.triplets;
    assert.equal(line?.done, true);
    assert.equal(line?.termination_reason, 'error');
  });

  test('disable() unwraps: graphs run untraced', async () => {
    const h = setup();
    h.instrumentation.disable();
    const out = await devGraph().invoke({});
    assert.equal(out.passed, true);
    assert.equal(h.spans().length, 0);
  });
});

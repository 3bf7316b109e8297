/**
 * The LangGraph.js (`@langchain/langgraph` 1.x) adapter. A graph run goes
 * through `Pregel.prototype._runLoop({ loop, runner })` (every `invoke`,
 * `stream` and `streamEvents` of every compiled graph, subgraphs included);
 * wrapping that one method gives the run (an episode, or a workflow span
 * inside a running episode) and, before each superstep, the tasks about to
 * run. Each task's node runs inside its own step span, so that what the node
 * does (model calls, HTTP, queries, files) belongs to that step.
 *
 * LangChain callbacks were not used: a callback handler is told about a node
 * but cannot make its span the active context of the node's code.
 */
import { context } from '@opentelemetry/api';
import { warnOnce } from '@rl-otel/core';
import { finish, startStep, startWorkflow, type Tracing } from './spans.ts';

interface PregelTask {
  readonly name?: unknown;
  readonly writes?: unknown[];
  proc?: { invoke(input: unknown, config?: unknown): Promise<unknown> };
  readonly config?: { metadata?: Record<string, unknown> };
}

interface RunLoopParams {
  loop?: { tasks?: Record<string, PregelTask> };
  runner?: { tick?: (...args: unknown[]) => Promise<unknown> };
}

type RunLoop = (this: { getName?: () => string }, params: RunLoopParams) => Promise<unknown>;

const wrappedProcs = new WeakSet<object>();

/** The prototype that owns `_runLoop` (Pregel's), found from the exported compiled-graph class. */
export function findRunLoopOwner(exports: Record<string, unknown>): object | undefined {
  const start = (exports.CompiledStateGraph ?? exports.Pregel) as { prototype?: object } | undefined;
  let proto = start?.prototype;
  while (proto !== undefined && proto !== null && proto !== Object.prototype) {
    if (Object.hasOwn(proto, '_runLoop') && typeof (proto as Record<string, unknown>)._runLoop === 'function')
      return proto;
    proto = Object.getPrototypeOf(proto) as object | undefined;
  }
  return undefined;
}

export function wrapRunLoop(original: RunLoop, t: Tracing, isEnabled: () => boolean): RunLoop {
  return function runLoop(this: { getName?: () => string }, params: RunLoopParams) {
    if (!isEnabled()) return original.call(this, params);
    let workflow: ReturnType<typeof startWorkflow>;
    try {
      const parent = context.active();
      const name = typeof this.getName === 'function' ? String(this.getName()) : 'LangGraph';
      workflow = startWorkflow(t, name, { always: false, source: 'langgraph', data: this }, parent);
      wrapTicks(params, t);
    } catch (error) {
      warnOnce(
        'langgraph:run',
        `tracing a LangGraph run failed; the run goes on untraced (${String(error)})`,
      );
      return original.call(this, params);
    }
    let result: Promise<unknown>;
    try {
      result = context.with(workflow.context, () => original.call(this, params));
    } catch (error) {
      workflow.end(error);
      throw error;
    }
    return Promise.resolve(result).then(
      (value) => {
        workflow.end();
        return value;
      },
      (error: unknown) => {
        workflow.end(error);
        throw error;
      },
    );
  };
}

/** Before each superstep, gives every task about to run a step span around its node. */
function wrapTicks(params: RunLoopParams, t: Tracing): void {
  const runner = params?.runner;
  const loop = params?.loop;
  const tick = runner?.tick;
  if (runner === undefined || loop === undefined || typeof tick !== 'function') {
    warnOnce(
      'langgraph:shape',
      'this @langchain/langgraph has an unexpected run loop; nodes are not traced as steps',
    );
    return;
  }
  runner.tick = function wrappedTick(this: unknown, ...args: unknown[]) {
    try {
      for (const task of Object.values(loop.tasks ?? {})) wrapTask(task, t);
    } catch (error) {
      warnOnce('langgraph:task', `tracing LangGraph nodes failed; they run untraced (${String(error)})`);
    }
    return tick.apply(this, args);
  };
}

function wrapTask(task: PregelTask, t: Tracing): void {
  const proc = task.proc;
  const name = typeof task.name === 'string' ? task.name : undefined;
  if (proc === undefined || wrappedProcs.has(proc) || name === undefined) return;
  // __start__ and friends copy input into channels: not decisions.
  if (name.startsWith('__') || (task.writes !== undefined && task.writes.length > 0)) return;
  const wrapped = Object.create(proc, {
    invoke: {
      value(input: unknown, config?: unknown) {
        const parent = context.active();
        const step = startStep(t, name, name, parent, 'langgraph', task);
        let result: Promise<unknown>;
        try {
          result = context.with(step.context, () => proc.invoke(input, config));
        } catch (error) {
          finish(t, step, error);
          throw error;
        }
        return Promise.resolve(result).then(
          (value) => {
            finish(t, step);
            return value;
          },
          (error: unknown) => {
            finish(t, step, error);
            throw error;
          },
        );
      },
    },
  }) as NonNullable<PregelTask['proc']>;
  wrappedProcs.add(wrapped);
  task.proc = wrapped;
}

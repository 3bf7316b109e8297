// User feedback on a finished run (thumbs up or down) is a delayed reward: the
// run's episode has ended, so the reward goes to its last step by span context.
// rl-otel writes it as an `rl.reward` span linked to that step and a `reward`
// line for the same episode and step in the triplet file.
import { TraceFlags } from '@opentelemetry/api';
import { recordReward } from '@rl-otel/core';

/** Returns `{ status, message, recorded }`: recorded tells whether a reward went to rl-otel. */
export async function giveFeedback(store, runId, value) {
  if (value !== 1 && value !== -1)
    return { status: 400, message: 'feedback is 1 (thumbs up) or -1 (thumbs down)' };
  const run = await store.run(runId);
  if (run === undefined) return { status: 404, message: 'no such run' };
  if (run.finished_at === null) return { status: 409, message: 'the run has not finished' };
  if (!(await store.setFeedback(runId, value)))
    return { status: 409, message: 'this run already has feedback' };
  let recorded = false;
  if (run.terminal_span_id) {
    recorded = recordReward(
      { value, source: 'human', name: 'user_feedback' },
      {
        span: {
          traceId: run.terminal_trace_id,
          spanId: run.terminal_span_id,
          traceFlags: TraceFlags.SAMPLED,
        },
      },
    );
  }
  return { status: 200, message: value > 0 ? 'thanks: thumbs up' : 'thanks: thumbs down', recorded };
}

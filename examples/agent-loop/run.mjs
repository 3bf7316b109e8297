// Runs app.mjs under `node --import @rl-otel/auto` with a model price table,
// then prints each episode's steps from the triplet file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tripletsFile = process.env.RL_OTEL_TRIPLETS_FILE ?? join(here, '.rl-otel', 'triplets.jsonl');
mkdirSync(dirname(tripletsFile), { recursive: true });
rmSync(tripletsFile, { force: true });

const run = spawnSync(process.execPath, ['--import', '@rl-otel/auto', 'app.mjs'], {
  cwd: here,
  stdio: 'inherit',
  env: {
    ...process.env,
    RL_OTEL_TRIPLETS_FILE: tripletsFile,
    OTEL_SERVICE_NAME: 'rl-otel-agent-loop',
    // Shaping: a step's own success is not rewarded (every scripted step succeeds);
    // a thousandth of a dollar of model cost costs 1. Tests and outcome are explicit.
    RL_OTEL_REWARD_WEIGHTS: 'success=0,cost_usd=-1000',
    // USD per million tokens: model calls get a cost_usd reward component.
    RL_OTEL_MODEL_PRICES: JSON.stringify({
      'planner-small': { input: 0.15, output: 0.6 },
      'reviewer-small': { input: 0.15, output: 0.6 },
      'coder-large': { input: 2.5, output: 10 },
    }),
  },
});
if (run.status !== 0) process.exit(run.status ?? 1);

const triplets = readFileSync(tripletsFile, 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l));
for (const episode of [...new Set(triplets.map((t) => t.episode_id))]) {
  const steps = triplets.filter((t) => t.episode_id === episode).sort((a, b) => a.step - b.step);
  const total = steps.reduce((sum, t) => sum + t.reward.value, 0);
  console.log(`\nepisode ${episode} (return ${total.toFixed(3)})`);
  for (const t of steps) {
    const c = t.reward.components;
    const parts = [
      c.llm_calls && `${c.llm_calls} model call`,
      c.tool_calls && `${c.tool_calls} tool call${c.tool_calls > 1 ? 's' : ''}`,
      c.tokens && `${c.tokens} tokens ($${c.cost_usd})`,
      c.explicit !== undefined && `explicit ${c.explicit}`,
      c.episode !== undefined && `outcome ${c.episode}`,
    ].filter(Boolean);
    const end = t.done ? `  ← done (${t.termination_reason})` : '';
    console.log(
      `  ${String(t.step).padStart(2)} ${t.action.name.padEnd(11)} reward ${t.reward.value.toFixed(3).padStart(7)}  ${parts.join(', ')}${end}`,
    );
  }
}
console.log(`\n${triplets.length} triplets in ${relative(process.cwd(), tripletsFile) || tripletsFile}\n`);

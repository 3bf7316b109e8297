/** `rl-otel stats`: a table of episodes, steps and per-action rewards in the terminal. */
import { type CommandSpec, positiveInteger } from '../args.ts';
import { formatCount } from '../format.ts';
import { SAMPLE_PER_ACTION, TripletStats } from '../stats/aggregate.ts';
import { renderStats, statsJson } from '../stats/table.ts';
import {
  INPUT_DETAILS,
  INPUT_OPTIONS,
  type Io,
  readInputs,
  summaryNotes,
  type Values,
  writeText,
} from './common.ts';

export const statsCommand: CommandSpec = {
  name: 'stats',
  summary:
    'Prints episodes, steps, actions, reward mean and percentiles per action name, and failure rates, as a table.',
  usage: 'rl-otel stats [options] <triplets.jsonl…>',
  details: [
    `${INPUT_DETAILS} Collector files are turned into triplets on the fly, as by rl-otel triplets.`,
    `Failure rate: the share of steps whose reward component success is 0, among the steps that have one. Percentiles are exact up to ${formatCount(SAMPLE_PER_ACTION)} steps per action and come from a uniform sample beyond (marked *); counts, means and failure rates are always exact.`,
    'Exit status: 0, or 1 when some lines were malformed, or 2 for a missing input, an unknown format or a wrong command line.',
  ],
  options: [
    { name: 'top', value: '<n>', description: 'actions listed, most frequent first', default: '30' },
    { name: 'json', description: 'print the statistics as JSON instead of a table' },
    ...INPUT_OPTIONS,
  ],
  minPositionals: 1,
  examples: ['rl-otel stats .rl-otel/triplets.jsonl', 'rl-otel stats --json triplets.jsonl | jq .episodes'],
};

export async function runStats(values: Values, inputs: string[], io: Io): Promise<number> {
  const top = positiveInteger(values.top, 'top', 30);
  const stats = new TripletStats();
  const { summary } = await readInputs(inputs, values, io, (batch) => {
    for (const triplet of batch) stats.add(triplet);
    return true;
  });
  const result = stats.result();
  const text =
    values.json === true
      ? `${JSON.stringify(statsJson(result), null, 2)}\n`
      : renderStats(result, { top, width: io.stdout.columns ?? 120, inputs });
  await writeText(io.stdout, text);
  if (values.quiet !== true)
    for (const note of summaryNotes(summary)) io.stderr.write(`rl-otel stats: ${note}\n`);
  return summary.malformed > 0 ? 1 : 0;
}

/** `rl-otel report`: one self-contained HTML page with charts. */
import { type CommandSpec, positiveInteger } from '../args.ts';
import { formatBytes, formatCount } from '../format.ts';
import { renderReport } from '../report/html.ts';
import { TripletStats } from '../stats/aggregate.ts';
import {
  INPUT_DETAILS,
  INPUT_OPTIONS,
  type Io,
  OutputFile,
  readInputs,
  summaryNotes,
  type Values,
} from './common.ts';

export const reportCommand: CommandSpec = {
  name: 'report',
  summary:
    'Writes one self-contained HTML page: reward over time per action, reward distribution, episode lengths, the slowest and the worst-rewarded actions, and the action table.',
  usage: 'rl-otel report [options] <triplets.jsonl…> -o report.html',
  details: [
    `${INPUT_DETAILS} Collector files are turned into triplets on the fly, as by rl-otel triplets.`,
    'The page has no script and loads nothing: charts are inline SVG, and its Content-Security-Policy forbids any network access when it is viewed.',
    'Exit status: 0, or 1 when some lines were malformed (the report is still written), or 2 for a missing input, an unknown format or a wrong command line.',
  ],
  options: [
    {
      name: 'output',
      short: 'o',
      value: '<file>',
      description: 'the HTML file to write',
      default: 'rl-otel-report.html',
    },
    { name: 'title', value: '<text>', description: 'page title', default: '"rl-otel report"' },
    { name: 'top', value: '<n>', description: 'actions drawn in the reward-over-time chart', default: '8' },
    ...INPUT_OPTIONS,
  ],
  minPositionals: 1,
  examples: [
    'rl-otel report .rl-otel/triplets.jsonl -o report.html',
    'rl-otel report collector/*.json -o fleet.html --title "Fleet, Nov 26"',
  ],
};

export async function runReport(values: Values, inputs: string[], io: Io): Promise<number> {
  const top = positiveInteger(values.top, 'top', 8);
  const path = typeof values.output === 'string' ? values.output : 'rl-otel-report.html';
  const output = new OutputFile(path);
  try {
    const stats = new TripletStats();
    const { summary } = await readInputs(inputs, values, io, (batch) => {
      for (const triplet of batch) stats.add(triplet);
      return true;
    });
    const result = stats.result();
    const html = renderReport(result, {
      title: typeof values.title === 'string' ? values.title : 'rl-otel report',
      inputs,
      series: top,
      bars: 10,
      tableRows: 200,
    });
    await output.write(html);
    await output.commit();
    if (values.quiet !== true) {
      io.stderr.write(
        `rl-otel report: wrote ${path} (${formatBytes(Buffer.byteLength(html))}): ${formatCount(result.triplets)} triplets, ${formatCount(result.episodes.total)} episodes, ${formatCount(result.actions.length)} actions\n`,
      );
      for (const note of summaryNotes(summary)) io.stderr.write(`rl-otel report: ${note}\n`);
    }
    return summary.malformed > 0 ? 1 : 0;
  } catch (error) {
    output.abort();
    throw error;
  }
}

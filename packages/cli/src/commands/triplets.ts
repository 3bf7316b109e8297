/** `rl-otel triplets`: triplet JSONL from Collector files (and triplet files), to stdout or a file. */
import type { CommandSpec } from '../args.ts';
import { formatBytes, plural } from '../format.ts';
import {
  INPUT_DETAILS,
  INPUT_OPTIONS,
  type Io,
  OutputFile,
  readInputs,
  summaryNotes,
  type Values,
  writeText,
} from './common.ts';

export const tripletsCommand: CommandSpec = {
  name: 'triplets',
  summary:
    'Writes (state, action, reward) triplets as JSONL, built from OpenTelemetry Collector trace files.',
  usage: 'rl-otel triplets [options] <files…>',
  details: [
    INPUT_DETAILS,
    'Triplets are made by the same spansToTriplets as in-process. Spans of one episode may come in any line or file and in any order. An episode span names its terminal step (rl.episode.terminal.span_id): whichever of the two is read first waits for the other, then the step is written done, with its termination reason and the episode reward. The highest step read so far of each episode waits for its episode span; a lower step waits until the stream has moved --window past it (no episode span can name it any more) and is then written not done. Steps of episodes that never end are written not done at the end of the input, or earlier when --max-held is reached.',
    'Memory stays bounded whatever the input size: one record per open file, the waiting spans (at most --max-held, about 2 KiB each) and a fixed set of recent span ids for dropping a span stored twice.',
    'Exit status: 0 when all input was read, 1 when some lines were malformed (they are reported with file and line, the rest is written), 2 when an input is missing or of an unknown format, or the command line is wrong (nothing is written).',
  ],
  options: [
    {
      name: 'output',
      short: 'o',
      value: '<file>',
      description: 'write to this file (whole or not at all; .gz compresses) instead of stdout',
    },
    ...INPUT_OPTIONS,
  ],
  minPositionals: 1,
  examples: [
    'rl-otel triplets /var/lib/otelcol/traces*.json -o triplets.jsonl',
    'rl-otel triplets collector-a/*.json.gz collector-b/*.json.gz | gzip > triplets.jsonl.gz',
  ],
};

export async function runTriplets(values: Values, inputs: string[], io: Io): Promise<number> {
  const output = typeof values.output === 'string' ? new OutputFile(values.output) : undefined;
  const stdout = io.stdout;
  let closed = false;
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): stop quietly, as other tools do.
    if (error.code === 'EPIPE') closed = true;
  };
  if (output === undefined) stdout.on('error', onStdoutError);
  try {
    const { summary, bytes } = await readInputs(inputs, values, io, async (batch) => {
      let text = '';
      for (const triplet of batch) text += `${JSON.stringify(triplet)}\n`;
      if (output !== undefined) await output.write(text);
      else if (!closed) {
        try {
          await writeText(stdout, text);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EPIPE') closed = true;
          else throw error;
        }
      }
      return !closed;
    });
    await output?.commit();
    if (values.quiet !== true) {
      const where = output === undefined ? '' : ` to ${output.path}`;
      io.stderr.write(
        `rl-otel triplets: ${plural(summary.files, 'file')}, ${formatBytes(bytes)}, ${plural(summary.records, 'line')}, ${plural(summary.spans, 'span')} → ${plural(summary.triplets, 'triplet')}${where}\n`,
      );
      for (const note of summaryNotes(summary)) io.stderr.write(`rl-otel triplets: ${note}\n`);
    }
    return summary.malformed > 0 ? 1 : 0;
  } catch (error) {
    output?.abort();
    throw error;
  } finally {
    if (output === undefined) stdout.off('error', onStdoutError);
  }
}

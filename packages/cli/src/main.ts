/** The `rl-otel` command line: dispatch, help, and errors in plain words with an exit status. */
import { type CommandSpec, helpText, parseCommandArgs, UsageError, wrap } from './args.ts';
import { type Io, OutputError } from './commands/common.ts';
import { reportCommand, runReport } from './commands/report.ts';
import { runStats, statsCommand } from './commands/stats.ts';
import { runTriplets, tripletsCommand } from './commands/triplets.ts';
import { InputError } from './input/inputs.ts';
import { VERSION } from './version.ts';

type Runner = (
  values: Record<string, string | boolean | undefined>,
  inputs: string[],
  io: Io,
) => Promise<number>;

const COMMANDS: ReadonlyArray<{ spec: CommandSpec; run: Runner }> = [
  { spec: tripletsCommand, run: runTriplets },
  { spec: statsCommand, run: runStats },
  { spec: reportCommand, run: runReport },
];

export function mainHelp(width = 100): string {
  const column = Math.max(...COMMANDS.map((c) => c.spec.name.length)) + 4;
  const commands = COMMANDS.flatMap((c) =>
    wrap(c.spec.summary, Math.max(30, width - column)).map(
      (line, i) => `${i === 0 ? `  ${c.spec.name.padEnd(column - 2)}` : ' '.repeat(column)}${line}`,
    ),
  );
  return `Usage: rl-otel <command> [options] <files…>

Reinforcement-learning triplets from OpenTelemetry data, and tools to look at them.

Commands:
${commands.join('\n')}

Run "rl-otel <command> --help" for a command's options.
Options: -h, --help  this help · -V, --version  the version (${VERSION})
`;
}

/** Runs one command line; resolves to the exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  const width = Math.min(100, Math.max(60, (io.stdout.columns ?? 100) - 1));
  if (name === undefined) {
    io.stderr.write(mainHelp(width));
    return 2;
  }
  if (name === '-h' || name === '--help' || (name === 'help' && rest.length === 0)) {
    io.stdout.write(mainHelp(width));
    return 0;
  }
  if (name === '-V' || name === '--version') {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const wanted = name === 'help' ? rest[0] : name;
  const command = COMMANDS.find((c) => c.spec.name === wanted);
  if (command === undefined) {
    io.stderr.write(
      `rl-otel: unknown command "${wanted}"; the commands are ${COMMANDS.map((c) => c.spec.name).join(', ')}. Run "rl-otel --help".\n`,
    );
    return 2;
  }
  if (name === 'help') {
    io.stdout.write(helpText(command.spec, width));
    return 0;
  }
  try {
    const { values, positionals } = parseCommandArgs(command.spec, rest);
    if (values.help === true) {
      io.stdout.write(helpText(command.spec, width));
      return 0;
    }
    return await command.run(values, positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `rl-otel ${command.spec.name}: ${error.message}\nRun "rl-otel ${command.spec.name} --help" for usage.\n`,
      );
      return 2;
    }
    if (error instanceof InputError || error instanceof OutputError) {
      io.stderr.write(
        `${error.message
          .split('\n')
          .map((line) => `rl-otel ${command.spec.name}: ${line}`)
          .join('\n')}\n`,
      );
      return 2;
    }
    io.stderr.write(
      `rl-otel ${command.spec.name}: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}

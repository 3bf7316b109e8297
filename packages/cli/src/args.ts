/**
 * Command-line parsing on node:util's parseArgs, with help text written from
 * the same option table, and usage errors in plain words.
 */
import { parseArgs } from 'node:util';

export interface OptionSpec {
  /** Long name, without the dashes. */
  readonly name: string;
  readonly short?: string;
  /** Placeholder of its value (`<file>`); absent for a flag. */
  readonly value?: string;
  readonly description: string;
  /** Default, as shown in the help. */
  readonly default?: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Paragraphs after the usage line. */
  readonly details: readonly string[];
  readonly options: readonly OptionSpec[];
  /** Fewest positional arguments. */
  readonly minPositionals: number;
  readonly examples: readonly string[];
}

/** A mistake on the command line: the message is shown with a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const HELP_OPTION: OptionSpec = { name: 'help', short: 'h', description: 'show this help' };

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const option of [...spec.options, HELP_OPTION]) {
    options[option.name] = { type: option.value === undefined ? 'boolean' : 'string' };
    if (option.short !== undefined) (options[option.name] as { short?: string }).short = option.short;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(plainParseError(error as Error & { code?: string }, spec));
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help !== true && parsed.positionals.length < spec.minPositionals) {
    throw new UsageError(
      spec.minPositionals === 1 ? 'no input file given' : `needs ${spec.minPositionals} arguments`,
    );
  }
  return { values, positionals: parsed.positionals };
}

function plainParseError(error: Error & { code?: string }, spec: CommandSpec): string {
  const option = /'([^']+)'/.exec(error.message)?.[1]?.replace(/ <value>$/, '');
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
    return `unknown option ${option ?? ''} for "rl-otel ${spec.name}"`.replace('  ', ' ');
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return /argument missing/.test(error.message)
      ? `option ${option ?? ''} needs a value`
      : `option ${option ?? ''} takes no value`;
  }
  return error.message;
}

/** A whole number ≥ 1 from an option, or a UsageError. */
export function positiveInteger(raw: string | boolean | undefined, name: string, fallback: number): number {
  if (raw === undefined || typeof raw === 'boolean') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a whole number ≥ 1, got "${raw}"`);
  return value;
}

/** Help for a command, wrapped to `width` columns. */
export function helpText(spec: CommandSpec, width = 100): string {
  const lines = [`Usage: ${spec.usage}`, '', ...wrap(spec.summary, width)];
  for (const paragraph of spec.details) lines.push('', ...wrap(paragraph, width));
  lines.push('', 'Options:');
  const all = [...spec.options, HELP_OPTION];
  const labels = all.map(
    (o) =>
      `${o.short === undefined ? '    ' : `-${o.short}, `}--${o.name}${o.value === undefined ? '' : ` ${o.value}`}`,
  );
  const column = Math.max(...labels.map((l) => l.length)) + 4;
  all.forEach((option, i) => {
    const suffix = option.default === undefined ? '' : ` (default ${option.default})`;
    const text = wrap(`${option.description}${suffix}`, Math.max(30, width - column));
    lines.push(`  ${(labels[i] as string).padEnd(column - 2)}${text[0] ?? ''}`);
    for (const more of text.slice(1)) lines.push(`${' '.repeat(column)}${more}`);
  });
  if (spec.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of spec.examples) lines.push(`  ${example}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Words of `text` in lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (word === '') continue;
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}

/**
 * Input files: what each one is (checked before anything is read, so that a
 * missing file or an unknown format stops the run before it writes), and all
 * of them as one stream of records merged by time.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { TRIPLET_SCHEMA_V1 } from '@rl-otel/semantic-conventions';
import {
  type Compression,
  type Framing,
  GZIP_MAGIC,
  inflateHead,
  isSpace,
  openDecompressed,
  peek,
  type RawRecord,
  splitLengthPrefixed,
  splitLines,
  startsWith,
  ZSTD_MAGIC,
} from './framing.ts';
import { type JsonTraceRequest, requestTime } from './otlp.ts';

export interface InputFile {
  readonly path: string;
  /** Size on disk, bytes. */
  readonly size: number;
  readonly compression: Compression;
  readonly framing: Framing;
  /** Time of its first record (ms), for merging files by time. */
  readonly firstTime: number;
  /** For an input read once (stdin `-`, a pipe): its whole content. */
  readonly stream?: Readable;
}

export type RecordKind = 'traces' | 'triplet' | 'other';

export type InputRecord =
  | { file: string; index: number; kind: RecordKind; value: Record<string, unknown>; time: number }
  | { file: string; index: number; error: string };

/** A problem with the inputs as given: nothing was processed. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Records looked at to recognise a file's format. */
const SNIFF_RECORDS = 10;

/** Checks every input; throws one InputError that lists every file that cannot be used. */
export async function inspectInputs(paths: readonly string[]): Promise<InputFile[]> {
  const files: InputFile[] = [];
  const problems: string[] = [];
  if (paths.filter((p) => p === '-').length > 1)
    throw new InputError('-: standard input can be read only once');
  for (const path of paths) {
    try {
      files.push(await inspect(path));
    } catch (error) {
      if (error instanceof InputError) problems.push(error.message);
      else throw error;
    }
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return files;
}

async function inspect(path: string): Promise<InputFile> {
  if (path === '-') return inspectStream(path, process.stdin);
  let size: number;
  try {
    const info = await stat(path);
    if (info.isDirectory())
      throw new InputError(`${path}: is a directory; pass the files in it (e.g. ${path}/*.json)`);
    if (info.isFIFO() || info.isCharacterDevice() || info.isSocket())
      return await inspectStream(path, createReadStream(path));
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${path}: ${systemReason(error)}`);
  }
  const magic = await readHead(path, 8);
  const compression = compressionOf(magic);
  let head: Buffer;
  try {
    head = await firstBytes(openDecompressed(path, compression), 16);
  } catch (error) {
    throw notDecompressing(path, compression, error);
  }
  const framing = framingOf(path, head);
  let firstTime: number | undefined;
  let unknown: string | undefined;
  let looked = 0;
  for await (const record of fileRecords({ path, size, compression, framing, firstTime: 0 })) {
    if (++looked > SNIFF_RECORDS) break;
    // A line that starts like JSON but does not parse is a malformed line, reported when read.
    if ('error' in record) continue;
    if (record.kind === 'other' && !isOtlpOther(record.value)) {
      unknown ??= `${describePosition(framing, record.index)} ${NEITHER_KIND}`;
      continue;
    }
    firstTime = record.time;
    break;
  }
  if (firstTime === undefined && unknown !== undefined)
    throw new InputError(`${path}: unknown format: ${unknown}. ${FORMATS}`);
  return { path, size, compression, framing, firstTime: firstTime ?? Number.NEGATIVE_INFINITY };
}

function compressionOf(head: Buffer): Compression {
  return startsWith(head, GZIP_MAGIC) ? 'gzip' : startsWith(head, ZSTD_MAGIC) ? 'zstd' : 'none';
}

function notDecompressing(path: string, compression: Compression, error: unknown): InputError {
  return new InputError(
    `${path}: is ${compression}-compressed but does not decompress (${systemReason(error)})`,
  );
}

/**
 * An input that can be read only once (stdin, a pipe such as `<(zcat …)`):
 * its head is looked at and kept; its records are not (a line of JSON of
 * another kind is then reported as a malformed line, not as an unknown format).
 */
async function inspectStream(path: string, source: Readable): Promise<InputFile> {
  let head: Buffer;
  let whole: Readable;
  try {
    ({ head, whole } = await peek(source, 64 * 1024));
  } catch (error) {
    throw new InputError(`${path}: ${systemReason(error)}`);
  }
  const compression = compressionOf(head);
  let inflated: Buffer;
  try {
    inflated = inflateHead(head, compression);
  } catch (error) {
    throw notDecompressing(path, compression, error);
  }
  const framing = framingOf(path, inflated);
  return { path, size: 0, compression, framing, firstTime: Number.NEGATIVE_INFINITY, stream: whole };
}

/** What a line of JSON of no known kind is not (reported with its position). */
export const NEITHER_KIND = `is JSON but neither an OTLP export request (resourceSpans) nor an rl-otel triplet (schema ${TRIPLET_SCHEMA_V1})`;

const FORMATS =
  'rl-otel reads OTLP/JSON trace files as the OpenTelemetry Collector’s file exporter writes them (format: json; plain, gzip or zstd) and rl-otel triplet JSONL files';

function framingOf(path: string, head: Buffer): Framing {
  let i = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  while (i < head.length && isSpace(head[i] as number)) i++;
  if (i === head.length || head[i] === 0x7b /* { */) return 'lines';
  if (head.length >= 5 && (head[4] === 0x7b || startsWith(head, ZSTD_MAGIC, 4))) return 'length-prefixed';
  const printable = head.subarray(0, 8).every((b) => (b >= 0x20 && b < 0x7f) || isSpace(b));
  const seen = printable
    ? `it starts with "${head.subarray(0, 16).toString('latin1').replace(/\s+/g, ' ')}"`
    : `it starts with the bytes ${[...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}; a Collector file written with format: proto is not supported`;
  throw new InputError(`${path}: unknown format: not JSON lines (${seen}). ${FORMATS}`);
}

/** The records of one file, parsed and classified; read errors end the file with an error record. */
export async function* fileRecords(
  file: Pick<InputFile, 'path' | 'compression' | 'framing'> & Partial<InputFile>,
  onRawBytes?: (n: number) => void,
): AsyncGenerator<InputRecord> {
  const stream = openDecompressed(file.stream ?? file.path, file.compression, onRawBytes);
  const raw = file.framing === 'lines' ? splitLines(stream) : splitLengthPrefixed(stream);
  let last = 0;
  try {
    for await (const record of raw) {
      last = record.index;
      yield parseRecord(file.path, record);
    }
  } catch (error) {
    yield {
      file: file.path,
      index: last + 1,
      error: `cannot be read (${systemReason(error)}); the rest of the file is skipped`,
    };
  } finally {
    stream.destroy();
  }
}

function parseRecord(file: string, record: RawRecord): InputRecord {
  if ('error' in record) return { file, index: record.index, error: record.error };
  let value: unknown;
  try {
    const text = record.text.charCodeAt(0) === 0xfeff ? record.text.slice(1) : record.text;
    value = JSON.parse(text);
  } catch (error) {
    const why = record.partial
      ? 'is incomplete: the file ends in the middle of it'
      : `is not valid JSON (${(error as Error).message})`;
    return { file, index: record.index, error: why };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { file, index: record.index, error: 'is not a JSON object' };
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.resourceSpans)) {
    const time = requestTime(object as JsonTraceRequest) ?? Number.NEGATIVE_INFINITY;
    return { file, index: record.index, kind: 'traces', value: object, time };
  }
  if (typeof object.schema === 'string' && object.schema.startsWith('rl-otel.triplet/')) {
    const time = typeof object.time === 'string' ? Date.parse(object.time) : Number.NaN;
    return {
      file,
      index: record.index,
      kind: 'triplet',
      value: object,
      time: Number.isNaN(time) ? Number.NEGATIVE_INFINITY : time,
    };
  }
  return { file, index: record.index, kind: 'other', value: object, time: Number.NEGATIVE_INFINITY };
}

/** Metrics, logs or profiles from the same Collector file: valid OTLP, not traces. */
export function isOtlpOther(value: Record<string, unknown>): boolean {
  return (
    Array.isArray(value.resourceMetrics) ||
    Array.isArray(value.resourceLogs) ||
    Array.isArray(value.resourceProfiles)
  );
}

export function describePosition(framing: Framing, index: number): string {
  return framing === 'lines' ? `line ${index}` : `record ${index}`;
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } catch (error) {
    throw new InputError(`${path}: ${systemReason(error)}`);
  } finally {
    await handle?.close();
  }
}

async function firstBytes(stream: Readable, atLeast: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      chunks.push(chunk as Buffer);
      length += (chunk as Buffer).length;
      if (length >= atLeast) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks);
}

/** A system error in plain words. */
export function systemReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

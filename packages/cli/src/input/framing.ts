/**
 * Records of one file: JSON lines (what the Collector's file exporter writes
 * with `format: json`, and what the triplet sink writes), or length-prefixed
 * records (4-byte big-endian size, then the record: the Collector's legacy
 * framing when `compression: zstd` is set, each record compressed on its own).
 * Whole-file gzip or zstd is undone first. Memory is bounded by the longest record.
 */
import { createReadStream } from 'node:fs';
import { pipeline, Readable } from 'node:stream';
import { constants, createGunzip, createZstdDecompress, gunzipSync, zstdDecompressSync } from 'node:zlib';

export type Compression = 'none' | 'gzip' | 'zstd';
export type Framing = 'lines' | 'length-prefixed';

/** One record of a file: its text, or why it could not be read. `index` is the line (or record) number, from 1. */
export type RawRecord =
  | {
      index: number;
      text: string /** The file ends inside this line (no newline after it). */;
      partial?: boolean;
    }
  | { index: number; error: string };

/** Longest record read; longer ones are reported and skipped (a Collector line is one export batch). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export const GZIP_MAGIC = [0x1f, 0x8b];
export const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

export function startsWith(bytes: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[at + i] !== magic[i]) return false;
  return true;
}

/**
 * The decompressed bytes of a file (a path) or of a stream read once (stdin,
 * a pipe); `onRawBytes` counts what is read before decompression.
 */
export function openDecompressed(
  source: string | Readable,
  compression: Compression,
  onRawBytes?: (n: number) => void,
): Readable {
  // Smaller reads for compressed files: one read inflates about ten times in memory.
  const raw =
    typeof source === 'string'
      ? createReadStream(source, { highWaterMark: compression === 'none' ? 1024 * 1024 : 128 * 1024 })
      : source;
  if (onRawBytes !== undefined) raw.on('data', (chunk: Buffer | string) => onRawBytes(chunk.length));
  if (compression === 'none') return raw;
  const inflate = compression === 'gzip' ? createGunzip() : createZstdDecompress();
  // pipeline destroys both streams on an error and hands it to whoever reads `inflate`.
  return pipeline(raw, inflate, () => {});
}

/** Splits a byte stream into lines (LF or CRLF); blank lines are skipped but counted. */
export async function* splitLines(
  source: AsyncIterable<Buffer>,
  maxBytes = MAX_RECORD_BYTES,
): AsyncGenerator<RawRecord> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let index = 0;
  const finish = (piece: Buffer): RawRecord | undefined => {
    index++;
    if (tooLong || partBytes + piece.length > maxBytes) {
      tooLong = false;
      parts = [];
      partBytes = 0;
      return { index, error: `longer than ${maxBytes / 1024 / 1024} MiB; skipped` };
    }
    const line = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
    parts = [];
    partBytes = 0;
    let text = line.toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    return text.trim() === '' ? undefined : { index, text };
  };
  for await (const chunk of source) {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(10, start);
      if (newline === -1) break;
      const record = finish(chunk.subarray(start, newline));
      if (record !== undefined) yield record;
      start = newline + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      if (tooLong || partBytes + rest.length > maxBytes) {
        tooLong = true;
        parts = [];
        partBytes = 0;
      } else {
        parts.push(rest);
        partBytes += rest.length;
      }
    }
  }
  if (tooLong || partBytes > 0) {
    const record = finish(Buffer.alloc(0));
    if (record !== undefined && 'text' in record) yield { ...record, partial: true };
    else if (record !== undefined) yield record;
  }
}

/** Splits a byte stream of length-prefixed records; a zstd-compressed record is decompressed. */
export async function* splitLengthPrefixed(
  source: AsyncIterable<Buffer>,
  maxBytes = MAX_RECORD_BYTES,
): AsyncGenerator<RawRecord> {
  const queue = new ByteQueue();
  let index = 0;
  for await (const chunk of source) {
    queue.push(chunk);
    for (;;) {
      if (queue.length < 4) break;
      const size = queue.peekUInt32BE();
      if (size > maxBytes) {
        yield {
          index: index + 1,
          error: `announces a record of ${size} bytes: the file is not length-prefixed records, or is corrupt; the rest of it is skipped`,
        };
        return;
      }
      if (queue.length < 4 + size) break;
      queue.take(4);
      const payload = queue.take(size);
      index++;
      yield decodePayload(index, payload);
    }
  }
  if (queue.length > 0) yield { index: index + 1, error: 'is incomplete: the file ends in the middle of it' };
}

function decodePayload(index: number, payload: Buffer): RawRecord {
  let bytes = payload;
  if (startsWith(bytes, ZSTD_MAGIC)) {
    try {
      bytes = zstdDecompressSync(bytes);
    } catch (error) {
      return { index, error: `is zstd data that does not decompress (${(error as Error).message})` };
    }
  }
  let start = 0;
  while (start < bytes.length && isSpace(bytes[start] as number)) start++;
  if (bytes[start] !== 0x7b /* { */)
    return {
      index,
      error:
        'is not JSON (binary protobuf?); rl-otel reads the Collector file exporter’s `format: json`, not `format: proto`',
    };
  return { index, text: bytes.toString('utf8') };
}

export function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** A FIFO of byte chunks that hands out exact-size slices without copying more than needed. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  peekUInt32BE(): number {
    const head = this.chunks[0] as Buffer;
    if (head.length >= 4) return head.readUInt32BE(0);
    return this.copy(4).readUInt32BE(0);
  }

  take(n: number): Buffer {
    const out = this.copy(n);
    let left = n;
    while (left > 0) {
      const head = this.chunks[0] as Buffer;
      if (head.length <= left) {
        this.chunks.shift();
        left -= head.length;
      } else {
        this.chunks[0] = head.subarray(left);
        left = 0;
      }
    }
    this.length -= n;
    return out;
  }

  private copy(n: number): Buffer {
    const head = this.chunks[0] as Buffer;
    if (head.length >= n) return head.subarray(0, n);
    const out = Buffer.allocUnsafe(n);
    let offset = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, n - offset);
      part.copy(out, offset);
      offset += part.length;
      if (offset === n) break;
    }
    return out;
  }
}

/** Bytes at most `max` that the start of a compressed `head` inflates to (the head may stop mid-stream). */
export function inflateHead(head: Buffer, compression: Compression, max = 64 * 1024): Buffer {
  if (compression === 'none') return head.subarray(0, max);
  if (compression === 'gzip')
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, max);
  return zstdDecompressSync(head, { finishFlush: constants.ZSTD_e_flush }).subarray(0, max);
}

/**
 * Reads at least `bytes` from a stream read once (or all of it, if shorter):
 * the head, and a stream of the whole content, head included.
 */
export async function peek(stream: Readable, bytes: number): Promise<{ head: Buffer; whole: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  let ended = false;
  while (length < bytes) {
    const chunk = stream.read() as Buffer | string | null;
    if (chunk !== null) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buffer);
      length += buffer.length;
      continue;
    }
    ended = !(await new Promise<boolean>((resolve, reject) => {
      const settle = (more: boolean, error?: unknown) => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
        if (error === undefined) resolve(more);
        else reject(error);
      };
      const onReadable = () => settle(true);
      const onEnd = () => settle(false);
      const onError = (error: unknown) => settle(false, error);
      stream.on('readable', onReadable);
      stream.on('end', onEnd);
      stream.on('error', onError);
      if (stream.readableEnded) settle(false);
    }));
    if (ended) break;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (!ended)
      for await (const chunk of stream) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
  }
  return { head, whole: Readable.from(all(), { objectMode: false }) };
}

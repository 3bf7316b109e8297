/**
 * All input files as one stream of records, merged by time: a file is opened
 * when the merged stream reaches the time of its first record, and the open
 * file whose next record is earliest goes next. Rotated files of one Collector
 * follow one another; files of several Collectors interleave. Memory: one
 * record per open file.
 */
import { fileRecords, type InputFile, type InputRecord } from './inputs.ts';

interface Source {
  readonly records: AsyncGenerator<InputRecord>;
  current: InputRecord;
}

function timeOf(record: InputRecord): number {
  return 'error' in record ? Number.NEGATIVE_INFINITY : record.time;
}

/** The records of every file, merged by time. */
export async function* mergedRecords(
  files: readonly InputFile[],
  onRawBytes?: (n: number) => void,
): AsyncGenerator<InputRecord> {
  const waiting = [...files].sort((a, b) => a.firstTime - b.firstTime);
  const active: Source[] = [];
  try {
    for (;;) {
      let next: Source | undefined;
      for (const source of active)
        if (next === undefined || timeOf(source.current) < timeOf(next.current)) next = source;
      while (
        waiting.length > 0 &&
        (next === undefined || (waiting[0] as InputFile).firstTime <= timeOf(next.current))
      ) {
        const file = waiting.shift() as InputFile;
        const records = fileRecords(file, onRawBytes);
        const first = await records.next();
        if (first.done) continue;
        const source = { records, current: first.value };
        active.push(source);
        if (next === undefined || timeOf(source.current) < timeOf(next.current)) next = source;
      }
      if (next === undefined) return;
      yield next.current;
      const after = await next.records.next();
      if (after.done) active.splice(active.indexOf(next), 1);
      else next.current = after.value;
    }
  } finally {
    for (const source of active) await source.records.return(undefined);
  }
}

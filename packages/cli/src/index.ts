export { EpisodeWindow, type EpisodeWindowOptions, type EpisodeWindowStats } from './episode-window.ts';
export { InputError, type InputFile, inspectInputs } from './input/inputs.ts';
export { type JsonTraceRequest, roleSpans, type TimedSpan } from './input/otlp.ts';
export { main } from './main.ts';
export { Progress, type ProgressOptions } from './progress.ts';
export {
  DEFAULT_MAX_HELD,
  DEFAULT_WINDOW_MS,
  type ReadOptions,
  type ReadSummary,
  TripletReader,
} from './read-triplets.ts';
export { type ReportOptions, renderReport } from './report/html.ts';
export { type StatsResult, TripletStats } from './stats/aggregate.ts';
export { renderStats, statsJson } from './stats/table.ts';
export { VERSION } from './version.ts';

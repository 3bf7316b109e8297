export {
  type CurrentEpisode,
  currentEpisode,
  type Episode,
  type EpisodeOptions,
  type StepOptions,
  setEpisodeOutcome,
  setTracerProvider,
  startEpisode,
  withEpisode,
  withStep,
} from './context.ts';
export {
  describeError,
  resetWarnings,
  safeRun,
  setWarningHandler,
  type WarningHandler,
  warnOnce,
} from './diag.ts';
export { findEpisode, setMaxEpisodes } from './episodes.ts';
export type { EpisodeOutcome } from './internal-types.ts';
export { InMemoryTripletSink } from './memory-sink.ts';
export {
  addRewardComponent,
  failStep,
  type ProcessorSpan,
  RLSpanProcessor,
  type RLSpanProcessorOptions,
} from './processor.ts';
export {
  getRewardWeights,
  type RecordRewardOptions,
  recordReward,
  scoreComponents,
  setRewardFunction,
  setRewardWeights,
  setRewardWeightsFromText,
} from './reward.ts';
export { JsonlFileSink, type JsonlFileSinkOptions, type SinkStats, unrefTimer } from './sink.ts';
export { registerStateProvider, type StateProvider, snapshotState } from './state.ts';
export { withTracingSuppressed } from './suppress.ts';
export {
  type ReadableSpanLike,
  type SpanData,
  type SpanLike,
  spansToTriplets,
  type TripletRole,
  toSpanData,
  tripletRole,
} from './triplets.ts';
export type { RewardContext, RewardFunction, RewardInput, TripletSink } from './types.ts';
export { VERSION } from './version.ts';

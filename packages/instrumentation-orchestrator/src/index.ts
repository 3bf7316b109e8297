export { type AgentLightningOptions, resolveAgentLightning } from './agent-lightning/config.ts';
export { RewardEventSender } from './agent-lightning/events.ts';
export { AgentLightningSpanProcessor, agentLightningProcessors } from './agent-lightning/processor.ts';
export { createAiSdkIntegration, stepActionName } from './ai-sdk.ts';
export * from './hooks.ts';
export { INSTRUMENTATION_NAME, OrchestratorInstrumentation } from './instrumentation.ts';
export type { OrchestratorInstrumentationConfig, OrchestratorSpanInfo } from './types.ts';
export {
  costUsd,
  type ModelPrice,
  type ModelResult,
  type PriceTable,
  parsePriceTable,
  priceOf,
  readModelResult,
} from './utils.ts';

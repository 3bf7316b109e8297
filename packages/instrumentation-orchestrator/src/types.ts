import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';
import type { PriceTable } from './utils.ts';

/** What a hook is told about the span it may enrich. */
export interface OrchestratorSpanInfo {
  /** `episode`, `step`, `tool` or `llm`. */
  readonly kind: 'episode' | 'step' | 'tool' | 'llm';
  /** Where it came from: `hooks` (the rl-otel:* channels), `ai` (Vercel AI SDK) or `langgraph`. */
  readonly source: 'hooks' | 'ai' | 'langgraph';
  /** The channel message, the AI SDK event, or the LangGraph task. */
  readonly data: unknown;
}

export interface OrchestratorInstrumentationConfig extends RlInstrumentationConfig {
  /** Subscribe to the `rl-otel:*` diagnostics channels of the hook API. @default true */
  channels?: boolean;
  /** Trace `generateText` / `streamText` of the Vercel AI SDK (`ai` ≥ 7) through its telemetry integration registry. @default true */
  aiSdk?: boolean;
  /** Trace LangGraph.js (`@langchain/langgraph` 1.x) graph runs as episodes and node executions as steps. @default true */
  langGraph?: boolean;
  /**
   * Model prices in US dollars per million tokens, by model id (a key ending
   * in `*` matches by prefix). Model calls of priced models get the reward
   * component `cost_usd`. Default: `RL_OTEL_MODEL_PRICES` (JSON), else none.
   * @default undefined
   */
  prices?: PriceTable;
  /**
   * Record prompt and response text as `gen_ai.prompt.<i>.*` /
   * `gen_ai.completion.<i>.*` (what Agent Lightning's adapter reads). Off by
   * default: prompts are private. Default: `RL_OTEL_CAPTURE_MESSAGE_CONTENT`.
   * @default false
   */
  captureMessageContent?: boolean;
  /** Called when an orchestrator span starts, to add attributes. */
  requestHook?: (span: Span, info: OrchestratorSpanInfo) => void;
  /** Called before an orchestrator span ends. */
  responseHook?: (span: Span, info: OrchestratorSpanInfo) => void;
}

import type { Span } from '@opentelemetry/api';
import { InstrumentationNodeModuleDefinition, isWrapped } from '@opentelemetry/instrumentation';
import { type Episode, warnOnce } from '@rl-otel/core';
import { RlInstrumentationBase } from '@rl-otel/core/instrumentation';
import { createAiSdkIntegration, registerAiSdkIntegration } from './ai-sdk.ts';
import { subscribeChannels } from './channels.ts';
import { findRunLoopOwner, wrapRunLoop } from './langgraph.ts';
import type { Tracing } from './spans.ts';
import type { OrchestratorInstrumentationConfig, OrchestratorSpanInfo } from './types.ts';
import { checkPriceTable, envFlag, type PriceTable, parsePriceTable } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-orchestrator';

// Per instance, kept outside it: enable() runs from InstrumentationBase's
// constructor, before this class's own fields exist.
const removers = new WeakMap<object, () => void>();
const tracings = new WeakMap<object, Tracing>();

/**
 * Orchestration loops as RL episodes. Three entries, all on by default:
 * the `rl-otel:*` diagnostics channels of the hook API, the Vercel AI SDK's
 * telemetry integration registry, and LangGraph.js graph runs (its module is
 * hooked to wrap `Pregel.prototype._runLoop`).
 */
export class OrchestratorInstrumentation extends RlInstrumentationBase<OrchestratorInstrumentationConfig> {
  constructor(config: OrchestratorInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    return [
      new InstrumentationNodeModuleDefinition(
        '@langchain/langgraph',
        ['>=1.0.0 <2'],
        (exports: Record<string, unknown>) => {
          if (this.getConfig().langGraph === false) return exports;
          const owner = findRunLoopOwner(exports);
          if (owner === undefined) {
            warnOnce(
              'langgraph:no-run-loop',
              'this @langchain/langgraph has no Pregel._runLoop; LangGraph runs are not traced',
            );
            return exports;
          }
          if (!isWrapped((owner as Record<string, unknown>)._runLoop)) {
            const t = this.tracing();
            this._wrap(
              owner as never,
              '_runLoop' as never,
              ((original: never) => wrapRunLoop(original, t, () => this.isEnabled())) as never,
            );
          }
          return exports;
        },
        (exports: Record<string, unknown>) => {
          const owner = exports === undefined ? undefined : findRunLoopOwner(exports);
          if (owner !== undefined && isWrapped((owner as Record<string, unknown>)._runLoop))
            this._unwrap(owner as never, '_runLoop' as never);
        },
      ),
    ];
  }

  protected override onEnable(): void {
    const config = this.getConfig();
    const t = this.tracing();
    if (config.channels !== false) subscribeChannels((name, fn) => this.subscribe(name, fn), t);
    if (config.aiSdk !== false)
      removers.set(this, registerAiSdkIntegration(createAiSdkIntegration(t, () => this.isEnabled())));
  }

  protected override onDisable(): void {
    removers.get(this)?.();
    removers.delete(this);
  }

  /** The span helpers' view of this instance (created on first use, so it works during construction). */
  private tracing(): Tracing {
    let t = tracings.get(this);
    if (t !== undefined) return t;
    const running = new Map<string, Episode>();
    // Resolved once per `prices` option (setConfig may replace it); the environment is read once.
    let pricesOption: PriceTable | undefined | null = null;
    let prices: PriceTable | undefined;
    t = {
      tracer: () => this.tracer,
      captureContent: () =>
        this.getConfig().captureMessageContent ??
        envFlag(process.env.RL_OTEL_CAPTURE_MESSAGE_CONTENT) ??
        false,
      prices: () => {
        const option = this.getConfig().prices;
        if (option !== pricesOption) {
          pricesOption = option;
          prices = resolvePrices(option);
        }
        return prices;
      },
      hook: (name: 'requestHook' | 'responseHook', span: Span, info: OrchestratorSpanInfo) =>
        this.runHook(name, this.getConfig()[name], span, info),
      running,
    };
    tracings.set(this, t);
    return t;
  }
}

function resolvePrices(option: PriceTable | undefined): PriceTable | undefined {
  if (option !== undefined) {
    const table = checkPriceTable(option);
    if (typeof table !== 'string') return table;
    warnOnce('prices-option', `the prices option is not valid (${table}); model calls get no cost_usd`);
    return undefined;
  }
  const text = process.env.RL_OTEL_MODEL_PRICES?.trim();
  if (text === undefined || text === '') return undefined;
  const parsed = parsePriceTable(text);
  if (parsed.ok) return parsed.value;
  warnOnce(
    'prices-env',
    `RL_OTEL_MODEL_PRICES is not valid (${parsed.error}); model calls get no cost_usd. Write it as JSON: {"gpt-4o":{"input":2.5,"output":10}} (USD per million tokens)`,
  );
  return undefined;
}

/** Pure helpers: model-call results, prices and cost, flattened messages. */

/** What a model call reported, whatever shape the orchestrator or provider used. */
export interface ModelResult {
  responseId?: string;
  responseModel?: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: string[];
  promptTokenIds?: number[];
  responseTokenIds?: number[];
}

type Loose = Record<string, unknown> | undefined;

const asObject = (v: unknown): Loose =>
  v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
const asCount = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
const asText = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** An array of whole numbers (token ids), else undefined. */
export function tokenIds(value: unknown): number[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  for (const v of value) if (!Number.isInteger(v)) return undefined;
  return value as number[];
}

/**
 * Reads a model call's outcome from the fields the orchestrator set
 * (`usage.inputTokens`, `responseId`, …) and falls back to the result it
 * returned: OpenAI-shaped (`id`, `model`, `usage.prompt_tokens`,
 * `choices[].finish_reason`, `prompt_token_ids`) or AI SDK-shaped
 * (`usage.inputTokens`, `response.id`).
 */
export function readModelResult(message: Loose, result: unknown): ModelResult {
  const out: ModelResult = {};
  const r = asObject(result);
  const usage = asObject(message?.usage) ?? asObject(r?.usage);
  const response = asObject(r?.response);
  out.responseId = asText(message?.responseId) ?? asText(r?.id) ?? asText(response?.id);
  out.responseModel = asText(message?.responseModel) ?? asText(r?.model) ?? asText(response?.modelId);
  out.inputTokens =
    asCount(usage?.inputTokens) ?? asCount(usage?.prompt_tokens) ?? asCount(usage?.input_tokens);
  out.outputTokens =
    asCount(usage?.outputTokens) ?? asCount(usage?.completion_tokens) ?? asCount(usage?.output_tokens);
  const reasons = message?.finishReasons;
  if (Array.isArray(reasons)) out.finishReasons = reasons.filter((x): x is string => typeof x === 'string');
  else if (Array.isArray(r?.choices)) {
    const list = (r.choices as unknown[])
      .map((c) => asObject(c)?.finish_reason)
      .filter((x): x is string => typeof x === 'string');
    if (list.length > 0) out.finishReasons = list;
  }
  out.promptTokenIds = tokenIds(message?.promptTokenIds) ?? tokenIds(r?.prompt_token_ids);
  const choice = Array.isArray(r?.choices) ? asObject(r.choices[0]) : undefined;
  out.responseTokenIds =
    tokenIds(message?.responseTokenIds) ?? tokenIds(r?.response_token_ids) ?? tokenIds(choice?.token_ids);
  return out;
}

/** Token ids a provider put in its metadata (`providerMetadata.<provider>.promptTokenIds` or `prompt_token_ids`). */
export function tokenIdsFromMetadata(
  metadata: unknown,
): Pick<ModelResult, 'promptTokenIds' | 'responseTokenIds'> {
  const out: Pick<ModelResult, 'promptTokenIds' | 'responseTokenIds'> = {};
  const top = asObject(metadata);
  if (top === undefined) return out;
  for (const value of Object.values(top)) {
    const m = asObject(value);
    out.promptTokenIds ??= tokenIds(m?.promptTokenIds) ?? tokenIds(m?.prompt_token_ids);
    out.responseTokenIds ??= tokenIds(m?.responseTokenIds) ?? tokenIds(m?.response_token_ids);
  }
  return out;
}

/** US dollars per million tokens. */
export interface ModelPrice {
  input: number;
  output: number;
}

/** Prices by model id; a key ending in `*` matches model ids that start with the rest. */
export type PriceTable = Record<string, ModelPrice>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Parses `RL_OTEL_MODEL_PRICES`: JSON `{"gpt-4o": {"input": 2.5, "output": 10}, "claude-*": {…}}`, USD per million tokens. */
export function parsePriceTable(text: string): ParseResult<PriceTable> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, error: 'it is not valid JSON' };
  }
  const table = checkPriceTable(parsed);
  return typeof table === 'string' ? { ok: false, error: table } : { ok: true, value: table };
}

/** The table if every entry is `{input, output}` of non-negative numbers, else what is wrong with it. */
export function checkPriceTable(value: unknown): PriceTable | string {
  const top = asObject(value);
  if (top === undefined || Array.isArray(value)) return 'it is not an object of model: {input, output}';
  const table: PriceTable = {};
  for (const [model, entry] of Object.entries(top)) {
    const e = asObject(entry);
    const input = asCount(e?.input);
    const output = asCount(e?.output);
    if (input === undefined || output === undefined)
      return `the price of "${model}" needs "input" and "output" as non-negative numbers (USD per million tokens)`;
    table[model] = { input, output };
  }
  return table;
}

/** The price of `model`: an exact key, else the longest `prefix*` key that matches. */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const exact = table[model];
  if (exact !== undefined) return exact;
  let best: ModelPrice | undefined;
  let bestLength = -1;
  for (const key in table) {
    if (!key.endsWith('*')) continue;
    const prefix = key.slice(0, -1);
    if (prefix.length > bestLength && model.startsWith(prefix)) {
      best = table[key];
      bestLength = prefix.length;
    }
  }
  return best;
}

/** Cost of a call in US dollars, rounded to 1e-9. */
export function costUsd(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  return Math.round(((inputTokens * price.input + outputTokens * price.output) / 1e6) * 1e9) / 1e9;
}

/** Longest message content kept, in characters. */
export const MAX_CONTENT_CHARS = 4096;

/** Flattens messages into `<prefix><i>.role` / `<prefix><i>.content` (content as text, cut to MAX_CONTENT_CHARS). */
export function flattenMessages(prefix: string, messages: unknown, into: Record<string, string>): void {
  if (!Array.isArray(messages)) return;
  messages.slice(0, 64).forEach((raw, i) => {
    const m = asObject(raw);
    if (m === undefined) return;
    if (typeof m.role === 'string') into[`${prefix}${i}.role`] = m.role;
    const text = contentText(m.content);
    if (text !== undefined) into[`${prefix}${i}.content`] = text.slice(0, MAX_CONTENT_CHARS);
  });
}

function contentText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return undefined;
  if (Array.isArray(content)) {
    const texts = content.map((p) => asObject(p)).filter((p) => typeof p?.text === 'string');
    if (texts.length === content.length) return texts.map((p) => p?.text).join('');
  }
  try {
    return JSON.stringify(content);
  } catch {
    return undefined;
  }
}

/** The words of a truthy environment flag: `1`, `true`, `on`, `yes`. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'on' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'off' || v === 'no') return false;
  return undefined;
}

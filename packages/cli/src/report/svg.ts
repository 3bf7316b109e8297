/** Small pieces for hand-written SVG charts: escaping, scales, nice ticks, axes. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value, safe inside HTML and SVG. */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** A number with at most 3 decimals, as SVG coordinates want. */
export function n(value: number): string {
  return String(Math.round(value * 1000) / 1000);
}

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

export function linear(domain: [number, number], range: [number, number]): Scale {
  let [d0, d1] = domain;
  if (d0 === d1) {
    d0 -= 1;
    d1 += 1;
  }
  const [r0, r1] = range;
  const scale = ((value: number) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0)) as Scale;
  (scale as { domain: readonly [number, number] }).domain = [d0, d1];
  return scale;
}

/** About `count` round tick values covering [min, max], and the widened domain they span. */
export function niceTicks(
  min: number,
  max: number,
  count = 5,
): { ticks: number[]; domain: [number, number] } {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { ticks: [0], domain: [0, 1] };
  if (min === max) {
    const pad = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const start = Math.floor(min / step) * step;
  const end = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = start; v <= end + step / 2; v += step) ticks.push(Math.round(v / step) * step);
  return { ticks, domain: [start, end] };
}

/** A tick label: integers plain, others with as few decimals as the step needs. */
export function tickLabel(value: number, ticks: readonly number[]): string {
  const step = ticks.length > 1 ? Math.abs((ticks[1] as number) - (ticks[0] as number)) : 1;
  // As many decimals as the step needs to be written exactly (0.25 → 2).
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-9)
    decimals++;
  const text = value.toFixed(decimals);
  return text === '-0' ? '0' : text;
}

export interface Box {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

/** Horizontal grid lines and labels of a y axis. */
export function yAxis(box: Box, y: Scale, ticks: readonly number[], label?: (v: number) => string): string {
  const parts: string[] = [];
  for (const tick of ticks) {
    const py = n(y(tick));
    parts.push(
      `<line class="grid" x1="${box.left}" x2="${box.width - box.right}" y1="${py}" y2="${py}"/>`,
      `<text class="tick" x="${box.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${esc(label ? label(tick) : tickLabel(tick, ticks))}</text>`,
    );
  }
  return `<g class="axis y">${parts.join('')}</g>`;
}

/** Tick marks and labels of an x axis at the given positions. */
export function xAxis(box: Box, ticks: ReadonlyArray<{ x: number; label: string }>): string {
  const base = box.height - box.bottom;
  const parts = [
    `<line class="domain" x1="${box.left}" x2="${box.width - box.right}" y1="${base}" y2="${base}"/>`,
  ];
  for (const tick of ticks) {
    parts.push(
      `<line class="tickmark" x1="${n(tick.x)}" x2="${n(tick.x)}" y1="${base}" y2="${base + 4}"/>`,
      `<text class="tick" x="${n(tick.x)}" y="${base + 16}" text-anchor="middle">${esc(tick.label)}</text>`,
    );
  }
  return `<g class="axis x">${parts.join('')}</g>`;
}

/** Categorical colours (Tableau 10), readable on white. */
export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export function color(i: number): string {
  return PALETTE[i % PALETTE.length] as string;
}

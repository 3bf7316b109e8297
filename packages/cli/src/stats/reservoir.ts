/**
 * A uniform sample of at most `capacity` items from a stream of unknown
 * length (Vitter's algorithm R), with a seeded generator so that the same
 * input gives the same sample, hence the same percentiles and charts.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  /** Items offered. */
  seen = 0;

  private readonly capacity: number;
  private state: number;

  constructor(capacity: number, seed = 0x9e3779b9) {
    this.capacity = capacity;
    this.state = seed >>> 0;
  }

  add(item: T): void {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.capacity) this.items[slot] = item;
  }

  /** True when the sample is the whole stream. */
  get exact(): boolean {
    return this.seen <= this.capacity;
  }

  /** mulberry32 */
  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** The p-th percentile (0..100) of sorted values, by linear interpolation; undefined when empty. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low] as number;
  const b = sorted[high] as number;
  return a + (b - a) * (rank - low);
}

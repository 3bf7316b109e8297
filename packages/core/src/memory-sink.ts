import type { Triplet } from '@rl-otel/semantic-conventions';
import type { TripletSink } from './types.ts';

/** Keeps triplets in an array: for tests, and for code that hands triplets on itself. Bounded. */
export class InMemoryTripletSink implements TripletSink {
  readonly triplets: Triplet[] = [];
  dropped = 0;

  private readonly max: number;

  constructor(max = 100_000) {
    this.max = max;
  }

  write(triplet: Triplet): void {
    if (this.triplets.length >= this.max) this.dropped++;
    else this.triplets.push(triplet);
  }

  async flush(): Promise<void> {}

  flushSync(): void {}

  async shutdown(): Promise<void> {}

  reset(): void {
    this.triplets.length = 0;
    this.dropped = 0;
  }
}

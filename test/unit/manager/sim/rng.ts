// A small seeded random generator (mulberry32): the same seed replays the same run.

/** Deterministic randomness for one simulation run. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = seed >>> 0; }
  /** A float in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A float in [lo, hi). */
  range(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number { return Math.floor(this.range(lo, hi + 1)); }
  /** True with probability p. */
  chance(p: number): boolean { return this.next() < p; }
  /** One of the items. */
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.next() * items.length)]!; }
}

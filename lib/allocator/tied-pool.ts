import type { RandomDraw } from './random-draw';

/** Scores are integers below this; it keeps the pool's fields small integers, which V8 compares fastest. */
const NO_SCORE = 2 ** 30 - 1;

/**
 * Collects the first `limit` options (a seat, the first seat of a run, a row) that share the smallest
 * score, then picks one at random: equally good choices are spread over concurrent buyers instead of
 * all landing on the first. Scores are non-negative integers below 2^30 - 1.
 */
export class TiedPool {
  private best = NO_SCORE;
  private readonly items: number[] = [];

  constructor(private readonly limit: number) {}

  /**
   * The largest score the pool would still keep: scanning loops compare against it in a local variable
   * and call `offer` only on a hit. Negative once the pool is full of perfect (score 0) options.
   */
  threshold(): number {
    return this.items.length < this.limit ? this.best : this.best - 1;
  }

  /** Keeps the option if its score is at most `threshold()`. */
  offer(score: number, item: number): void {
    if (score < this.best) {
      this.best = score;
      this.items.length = 0;
    }
    if (score === this.best && this.items.length < this.limit) this.items.push(item);
  }

  /** One of the tied best options, or undefined when none was offered. */
  pick(draw: RandomDraw): number | undefined {
    return this.items.length === 0 ? undefined : this.items[draw.index(this.items.length)];
  }
}

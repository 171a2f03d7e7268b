/**
 * Collects the first `limit` options that share the smallest score, then picks one of them at random:
 * equally good choices are spread over concurrent buyers instead of all landing on the first.
 */
export class TiedOptions<T> {
  private best = Infinity;
  private readonly items: T[] = [];

  constructor(private readonly limit: number) {}

  /** Whether an option with this score would be kept (lets a caller skip building it). */
  accepts(score: number): boolean {
    return score < this.best || (score === this.best && this.items.length < this.limit);
  }

  offer(score: number, item: T): void {
    if (score < this.best) {
      this.best = score;
      this.items.length = 0;
    }
    if (score === this.best && this.items.length < this.limit) this.items.push(item);
  }

  pick(random: () => number): T | undefined {
    return this.items[randomIndex(this.items.length, random)];
  }
}

/** An index below `size` (> 0) from a random number in [0, 1), safe against a source that returns 1. */
export const randomIndex = (size: number, random: () => number): number => Math.min(size - 1, Math.floor(random() * size));

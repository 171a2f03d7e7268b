/**
 * One number from the caller's random source, spent on successive choices: each choice takes the
 * leading digits (in base `size`) and keeps the rest, so a decision draws once, up front, whatever it
 * chooses later. Losing a few bits per choice is harmless over the handful of choices a decision makes.
 */
export class RandomDraw {
  private value: number;

  constructor(random: () => number) {
    const value = random();
    // A source outside [0, 1) would be a caller bug; keep the choice valid anyway.
    this.value = Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
  }

  /** An index below `size` (> 0). */
  index(size: number): number {
    const scaled = this.value * size;
    const index = Math.min(size - 1, Math.floor(scaled));
    this.value = scaled - index;
    return index;
  }
}

/** One figure of a benchmark report: what was measured, its value, and the target it should meet. */
export interface BenchRow {
  section: string;
  metric: string;
  value: string;
  target?: string;
}

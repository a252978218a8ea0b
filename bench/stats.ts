/**
 * Summaries of repeated measurements. Benchmarks on a shared machine are noisy, so every figure is
 * repeated and reported as its median (robust to one outlier run) together with the full min–max range
 * (so a reader can see how much to trust the median).
 */

export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every measured value, in run order, so results/latest.json keeps the raw data. */
  runs: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length ? Math.min(...values) : Number.NaN,
    max: values.length ? Math.max(...values) : Number.NaN,
    runs: [...values],
  };
}

/** `median (min–max)` with a fixed number of decimals, the form every table cell uses. */
export function formatSummary(s: Summary, decimals = 1): string {
  const f = (n: number) => n.toFixed(decimals);
  return s.runs.length > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median);
}

/** A plain-text table: the first row is the header, columns padded to their widest cell. */
export function renderTable(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]) => r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)];
}

/**
 * Number formatting shared by the console tables, RESULTS.md and the SVG chart.
 */

/** `1234567` -> `1,234,567`. */
export function formatInt(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Latency: `0.42 ms`, `12.3 ms`, `1,204 ms`. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${formatInt(value)} ms`;
}

/** Operations per second with a unit: `12.4 M ops/s`, `8,120 ops/s`. */
export function formatRate(value: number, unit = 'ops/s'): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (value >= 1e6) return `${(value / 1e6).toFixed(1)} M ${unit}`;
  return `${formatInt(value)} ${unit}`;
}

/** A ratio: `1.04x`. */
export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

/** A percentage of a whole: `97.3 %`. */
export function formatPercent(value: number): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : 'n/a';
}

/** Bytes: `312 KB`, `1.42 MB`; negative growth keeps its sign. */
export function formatBytes(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(2)} MB`;
  return `${(value / 1024).toFixed(1)} KB`;
}

/** Microseconds: `412 µs`. */
export function formatUs(value: number): string {
  return Number.isFinite(value) ? `${formatInt(value)} µs` : 'n/a';
}

// Number formatting shared by the terminal table, the HTML report and BENCHMARKS.md: three
// significant digits, thousands grouped, no exponent for the magnitudes benchmarks produce.

export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const a = Math.abs(value);
  if (a >= 1000) return Math.round(value).toLocaleString('en-US');
  if (a >= 100) return value.toFixed(0);
  if (a >= 10) return value.toFixed(1);
  if (a >= 1) return value.toFixed(2);
  if (a === 0) return '0';
  return value.toPrecision(3);
}

/**
 * A plain-text table: a header row, a rule, then the rows; every column as wide as its widest
 * cell, the columns in `alignLeft` padded on the right, the others (figures) on the left.
 */
export function table(headers: string[], rows: string[][], alignLeft: number[] = [0]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (alignLeft.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

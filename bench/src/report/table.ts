/**
 * Tables: GitHub Markdown for RESULTS.md and aligned plain text for the console.
 */

/** Column alignment: left or right (numbers). */
export type Align = 'left' | 'right';

/** A table: headers, rows of cells, optional alignment per column (default: first left, rest right). */
export interface Table {
  headers: readonly string[];
  rows: ReadonlyArray<readonly string[]>;
  align?: readonly Align[];
}

function alignOf(table: Table, column: number): Align {
  return table.align?.[column] ?? (column === 0 ? 'left' : 'right');
}

function escapeCell(cell: string): string {
  return cell.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

/**
 * Render a GitHub-flavoured Markdown table, padded the way Biome formats Markdown (so a
 * generated RESULTS.md passes `biome check`).
 */
export function markdownTable(table: Table): string {
  const headers = table.headers.map(escapeCell);
  const rows = table.rows.map((row) => headers.map((_, i) => escapeCell(row[i] ?? '')));
  const widths = headers.map((header, i) =>
    Math.max(3, header.length, ...rows.map((row) => (row[i] as string).length)),
  );
  const pad = (cell: string, i: number) =>
    alignOf(table, i) === 'right' ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number);
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (alignOf(table, i) === 'right' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** Render an aligned plain-text table for a terminal. */
export function textTable(table: Table): string {
  const widths = table.headers.map((header, i) =>
    Math.max(header.length, ...table.rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) =>
        alignOf(table, i) === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(table.headers), rule, ...table.rows.map(line)].join('\n');
}

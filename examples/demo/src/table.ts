/** A plain text table: a header row, a rule, right-aligned numbers, left-aligned text. */
export function formatTable(rows: ReadonlyArray<Record<string, string | number>>): string {
  const headers = Object.keys(rows[0] ?? {});
  const cells = rows.map((row) => headers.map((h) => String(row[h] ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = headers.map((h) =>
    rows.every((row) => typeof row[h] === 'number' || /^[\d.]+ ms$/.test(String(row[h]))),
  );
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)]
    .map((l) => `  ${l}`)
    .join('\n');
}

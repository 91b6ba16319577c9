/**
 * A dependency-free SVG bar chart: stacked panels of horizontal bars, one group per contender,
 * one bar per series, value printed after each bar, optional dashed reference lines.
 */

/** One series (a bar per row), with its colour. */
export interface ChartSeries {
  name: string;
  color: string;
}

/** One row: a label and one value per series. `emphasis` draws the label in bold. */
export interface ChartRow {
  label: string;
  values: readonly number[];
  emphasis?: boolean;
}

/** A dashed vertical line at `value`, labelled. */
export interface ChartReference {
  value: number;
  label: string;
}

/** A panel: title, series, rows, number format, optional fixed maximum and reference lines. */
export interface ChartPanel {
  title: string;
  subtitle?: string;
  series: readonly ChartSeries[];
  rows: readonly ChartRow[];
  format: (value: number) => string;
  max?: number;
  references?: readonly ChartReference[];
}

const WIDTH = 920;
const LABEL_WIDTH = 250;
const VALUE_WIDTH = 90;
const BAR_HEIGHT = 13;
const ROW_GAP = 10;
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';

/** Escape text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function panelHeight(panel: ChartPanel): number {
  const rowHeight = panel.series.length * BAR_HEIGHT + ROW_GAP;
  return 64 + panel.rows.length * rowHeight + 24;
}

function renderPanel(panel: ChartPanel, top: number): string {
  const out: string[] = [];
  const barWidth = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 20;
  const values = panel.rows.flatMap((row) => row.values).filter(Number.isFinite);
  const max = panel.max ?? Math.max(1, ...values, ...(panel.references ?? []).map((r) => r.value));
  const x = (value: number) => LABEL_WIDTH + (Math.max(0, Math.min(value, max)) / max) * barWidth;
  out.push(
    `<text x="16" y="${top + 22}" font-size="16" font-weight="600" fill="#111">${escapeXml(panel.title)}</text>`,
  );
  if (panel.subtitle) {
    out.push(`<text x="16" y="${top + 40}" font-size="12" fill="#555">${escapeXml(panel.subtitle)}</text>`);
  }
  let legendX = LABEL_WIDTH;
  for (const series of panel.series) {
    out.push(`<rect x="${legendX}" y="${top + 47}" width="10" height="10" fill="${series.color}"/>`);
    out.push(
      `<text x="${legendX + 14}" y="${top + 56}" font-size="12" fill="#333">${escapeXml(series.name)}</text>`,
    );
    legendX += 24 + series.name.length * 7;
  }
  const rowsTop = top + 64;
  const rowHeight = panel.series.length * BAR_HEIGHT + ROW_GAP;
  const references = [...(panel.references ?? [])].sort((a, b) => a.value - b.value);
  references.forEach((reference, i) => {
    const rx = x(reference.value);
    const bottom = rowsTop + panel.rows.length * rowHeight;
    // Neighbouring labels would collide: the first hangs left of its line, the others right.
    const [anchor, tx] = i === 0 && references.length > 1 ? ['end', rx - 3] : ['start', rx + 3];
    out.push(
      `<line x1="${rx.toFixed(1)}" y1="${rowsTop - 4}" x2="${rx.toFixed(1)}" y2="${bottom}" stroke="#888" stroke-dasharray="4 3"/>`,
    );
    out.push(
      `<text x="${Number(tx).toFixed(1)}" y="${bottom + 14}" font-size="11" fill="#555" text-anchor="${anchor}">${escapeXml(reference.label)}</text>`,
    );
  });
  panel.rows.forEach((row, r) => {
    const y = rowsTop + r * rowHeight;
    const weight = row.emphasis ? ' font-weight="600"' : '';
    const labelY = y + (panel.series.length * BAR_HEIGHT) / 2 + 4;
    out.push(
      `<text x="${LABEL_WIDTH - 10}" y="${labelY}" font-size="13" fill="#111" text-anchor="end"${weight}>${escapeXml(row.label)}</text>`,
    );
    panel.series.forEach((series, s) => {
      const value = row.values[s] ?? Number.NaN;
      const by = y + s * BAR_HEIGHT;
      const width = Number.isFinite(value) ? Math.max(x(value) - LABEL_WIDTH, value > 0 ? 1.5 : 0) : 0;
      out.push(
        `<rect x="${LABEL_WIDTH}" y="${by}" width="${width.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${series.color}"/>`,
      );
      out.push(
        `<text x="${(LABEL_WIDTH + width + 5).toFixed(1)}" y="${by + BAR_HEIGHT - 3}" font-size="11" fill="#222">${escapeXml(panel.format(value))}</text>`,
      );
    });
  });
  return out.join('\n');
}

/** Render panels stacked vertically into one standalone SVG document. */
export function renderBarChart(title: string, footnote: string, panels: readonly ChartPanel[]): string {
  const parts: string[] = [];
  let top = 44;
  for (const panel of panels) {
    parts.push(renderPanel(panel, top));
    top += panelHeight(panel);
  }
  const height = top + 30;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT} role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="28" font-size="19" font-weight="700" fill="#111">${escapeXml(title)}</text>`,
    ...parts,
    `<text x="16" y="${height - 12}" font-size="11" fill="#666">${escapeXml(footnote)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}

/**
 * CSV by hand (RFC 4180): CRLF line ends, every field quoted when it holds a comma, quote, CR or LF,
 * quotes doubled, and every row padded to the same number of fields. Spreadsheet formula injection is
 * neutralised: a text cell starting with = + - @ (or a tab/CR, which some spreadsheets skip) gets a
 * leading apostrophe, so a candidate named "=HYPERLINK(…)" stays text. Numbers are written as numbers.
 */
import type { Cell, ExportDocument } from './export-document.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  const safe = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRows(rows: readonly (readonly Cell[])[]): string {
  const width = Math.max(1, ...rows.map((r) => r.length));
  return rows
    .map((r) => {
      const padded = [...r];
      while (padded.length < width) padded.push(null);
      return `${padded.map(csvField).join(',')}\r\n`;
    })
    .join('');
}

/** Title and meta lines, then each section: its name, its header row, its rows, a blank row. */
export function renderCsv(doc: ExportDocument): string {
  const rows: Cell[][] = [[doc.title]];
  for (const [k, v] of doc.meta) rows.push([k, v]);
  for (const s of doc.sections) {
    rows.push([]);
    rows.push([s.name]);
    rows.push(s.columns);
    rows.push(...s.rows);
  }
  return csvRows(rows);
}

/**
 * XLSX through exceljs: a "Summary" sheet with the title and meta lines, then one sheet per section
 * (sheet names made unique and stripped of the characters Excel forbids). Numbers stay numbers; text
 * is written as text values (exceljs never turns a string into a formula), so no formula injection.
 */
import ExcelJS from 'exceljs';
import type { ExportDocument } from './export-document.js';

function sheetName(name: string, used: Set<string>): string {
  const base = (name.replace(/[\\/?*[\]:]/g, ' ').trim() || 'Sheet').slice(0, 28);
  let candidate = base;
  for (let i = 2; used.has(candidate.toLowerCase()); i++) candidate = `${base.slice(0, 25)} ${i}`;
  used.add(candidate.toLowerCase());
  return candidate;
}

export async function renderXlsx(doc: ExportDocument): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Electra';
  const used = new Set<string>();
  const summary = book.addWorksheet(sheetName('Summary', used));
  summary.addRow([doc.title]).font = { bold: true, size: 14 };
  for (const [k, v] of doc.meta) summary.addRow([k, v]);
  summary.getColumn(1).width = 28;
  summary.getColumn(2).width = 70;
  for (const s of doc.sections) {
    const sheet = book.addWorksheet(sheetName(s.name, used));
    sheet.addRow(s.columns).font = { bold: true };
    for (const row of s.rows) sheet.addRow(row.map((c) => (c === null ? '' : c)));
    s.columns.forEach((_c, i) => {
      sheet.getColumn(i + 1).width = i === 0 ? 32 : 16;
    });
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

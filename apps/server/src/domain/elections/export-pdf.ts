/**
 * PDF through pdfkit with its built-in Helvetica (no font files to ship): title, the meta lines (for
 * results: the record hash and the verifier's verdict, so a printed sheet can be checked against the
 * published record), then each section as a simple table. Rendered into memory: exports are small.
 */
import PDFDocument from 'pdfkit';
import type { Cell, ExportDocument } from './export-document.js';

const text = (c: Cell): string => (c === null ? '' : String(c));

export function renderPdf(doc: ExportDocument, now: Date = new Date()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const pdf = new PDFDocument({
      size: 'A4',
      margin: 50,
      info: { Title: doc.title, Creator: 'Electra', CreationDate: now },
    });
    const chunks: Buffer[] = [];
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);

    const left = pdf.page.margins.left;
    const width = pdf.page.width - left - pdf.page.margins.right;
    pdf.font('Helvetica-Bold').fontSize(16).text(doc.title, { width });
    pdf.moveDown(0.5);
    for (const [k, v] of doc.meta) {
      pdf.font('Helvetica-Bold').fontSize(9).text(`${k}: `, { continued: true, width });
      pdf.font('Helvetica').text(v);
    }
    for (const s of doc.sections) {
      pdf.moveDown(1);
      pdf.font('Helvetica-Bold').fontSize(12).text(s.name, left, undefined, { width });
      pdf.moveDown(0.3);
      const first = Math.max(width * 0.4, width - (s.columns.length - 1) * 80);
      const rest = s.columns.length > 1 ? (width - first) / (s.columns.length - 1) : 0;
      const row = (cells: readonly Cell[], bold: boolean) => {
        if (pdf.y > pdf.page.height - pdf.page.margins.bottom - 20) pdf.addPage();
        const y = pdf.y;
        pdf.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(9);
        let x = left;
        let bottom = y;
        cells.forEach((c, i) => {
          const w = i === 0 ? first : rest;
          pdf.text(text(c), x, y, { width: w - 4, align: i === 0 ? 'left' : 'right' });
          bottom = Math.max(bottom, pdf.y);
          x += w;
        });
        pdf.x = left;
        pdf.y = bottom + 2;
      };
      row(s.columns, true);
      for (const r of s.rows) row(r, false);
      if (s.rows.length === 0) pdf.font('Helvetica-Oblique').fontSize(9).text('(none)', left);
    }
    pdf.end();
  });
}

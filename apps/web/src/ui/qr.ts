/** A QR code as SVG rectangles (qrcode-generator computes the modules; no markup strings, CSP-safe). */
import qrcode from 'qrcode-generator';
import { svg } from '../lib/dom.js';

export function qrSvg(text: string, label: string): SVGElement {
  const qr = qrcode(0, 'M');
  qr.addData(text);
  qr.make();
  const n = qr.getModuleCount();
  const root = svg('svg', {
    viewBox: `-2 -2 ${n + 4} ${n + 4}`,
    class: 'qr',
    role: 'img',
    'aria-label': label,
    'shape-rendering': 'crispEdges',
  });
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.isDark(r, c)) root.appendChild(svg('rect', { x: c, y: r, width: 1, height: 1 }));
    }
  }
  return root;
}

/**
 * The receipt (protocol §13): the tracker as short code and full hash, its QR code, board height,
 * time, and the server's signature — copy, print or download it, then find it on the public board.
 */

import { t } from '../i18n/t.js';
import { api } from '../lib/api.js';
import { download, h } from '../lib/dom.js';
import { loadReceipt } from '../lib/outbox.js';
import type { Screen } from '../lib/router.js';
import { formatDate, link, title } from '../ui/common.js';
import { qrSvg } from '../ui/qr.js';
import { callWorker } from '../worker/client.js';

export const receiptPage: Screen = (main, { id }) => {
  const receipt = loadReceipt(id!);
  if (!receipt) {
    main.append(title(t('receipt.title')), h('p', {}, t('app.notFound')));
    return;
  }
  const copied = h('span', { role: 'status' });
  // The server signed this receipt (protocol §13): check it against its published receipt keys.
  const signature = h('p', { role: 'status', 'data-testid': 'receipt-signature' }, t('receipt.checking'));
  void (async () => {
    try {
      const { keys } = await api<{ keys: { keyId: string; publicKey: string }[] }>(
        `/api/elections/${id}/receipt-key`,
        { auth: false },
      );
      const r = await callWorker('verifyReceipt', { electionId: id!, receipt, keys });
      signature.className = r.ok ? 'ok' : 'bad';
      signature.textContent = r.ok
        ? t('receipt.signed', { keyId: r.keyId ?? '' })
        : t('receipt.badSignature');
    } catch {
      signature.textContent = t('receipt.signatureUnchecked');
    }
  })();
  const boardUrl = `${location.origin}/e/${id}/board?tracker=${receipt.tracker.hash}`;
  main.append(
    title(t('receipt.title')),
    h('p', {}, t('receipt.intro')),
    h(
      'dl',
      {},
      h('dt', {}, t('receipt.short')),
      h('dd', { className: 'tracker-short mono', 'data-testid': 'tracker-short' }, receipt.tracker.short),
      h('dt', {}, t('receipt.full')),
      h('dd', { className: 'mono', 'data-testid': 'tracker-full' }, receipt.tracker.hash),
      h('dt', {}, t('receipt.height')),
      h('dd', {}, String(receipt.height)),
      h('dt', {}, t('receipt.castAt')),
      h('dd', {}, formatDate(receipt.castAt)),
    ),
    signature,
    qrSvg(boardUrl, t('receipt.qr')),
    h(
      'div',
      { className: 'actions' },
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            try {
              await navigator.clipboard.writeText(receipt.tracker.hash);
              copied.textContent = t('receipt.copied');
            } catch {
              copied.textContent = receipt.tracker.hash;
            }
          },
        },
        t('receipt.copy'),
      ),
      h(
        'button',
        { type: 'button', className: 'secondary', onclick: () => window.print() },
        t('receipt.print'),
      ),
      h(
        'button',
        {
          type: 'button',
          className: 'secondary',
          onclick: () =>
            download(
              `electra-receipt-${receipt.tracker.short}.json`,
              JSON.stringify({ electionId: id, ...receipt }, null, 2),
            ),
        },
        t('receipt.download'),
      ),
      copied,
    ),
    h(
      'p',
      {},
      link(`/e/${id}/board?tracker=${receipt.tracker.hash}`, t('receipt.check'), { className: 'button' }),
    ),
  );
};

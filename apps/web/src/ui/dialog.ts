/**
 * The app's one modal dialog, instead of `window.confirm()`/`alert()` (which cannot be styled, are
 * announced inconsistently and block the page's script): a native `<dialog>` opened with
 * `showModal()`, so the rest of the page is inert and focus stays inside. It is named by its heading
 * (`aria-labelledby`) and described by its message (`aria-describedby`); focus moves to the first
 * field, or to Cancel when the action is destructive, else to the confirm button; Escape and Cancel
 * dismiss it; when it closes, focus returns to the element that opened it (or to the page's heading
 * if that element is gone). `onConfirm` may run the action itself: a message it returns (or an error
 * it throws) is shown inside the dialog in a `role=alert` paragraph and the dialog stays open.
 */
import { errorText, t } from '../i18n/t.js';
import { type Child, h, uid } from '../lib/dom.js';
import { codeOf } from './common.js';

export interface DialogOptions {
  title: string;
  /** The sentence that describes what confirming does (the dialog's accessible description). */
  message?: string;
  /** More content under the message: fields, a list of changes. */
  body?: Child[];
  /** The confirm button's text (say what it does: "Disable the account", not "OK"). */
  confirm: string;
  /** The dismiss button's text; "Cancel" unless that would read like the action itself. */
  cancel?: string;
  /** A destructive or irreversible action: focus starts on the dismiss button. */
  danger?: boolean;
  /** The element to focus first (a field of `body`). */
  initialFocus?: HTMLElement;
  /**
   * Runs when the person confirms, while the buttons are disabled. A returned string, or a thrown
   * error (an ApiError's code is put into words), is shown in the dialog, which stays open.
   */
  onConfirm?: () => Promise<string | null | undefined> | string | null | undefined;
  /** Closes the dialog (as dismissed) when the screen that opened it goes away. */
  signal?: AbortSignal;
}

/** Opens the dialog; resolves to true when it was confirmed (and `onConfirm` succeeded), false otherwise. */
export function openDialog(o: DialogOptions): Promise<boolean> {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const messageId = uid('dialog-message');
  const error = h('p', { className: 'alert', role: 'alert', hidden: true });
  const confirm = h('button', { type: 'submit', className: o.danger ? 'danger' : undefined }, o.confirm);
  const dismiss = h('button', { type: 'button', className: 'secondary' }, o.cancel ?? t('dialog.cancel'));
  const form = h(
    'form',
    { method: 'dialog' },
    ...(o.body ?? []),
    error,
    h('div', { className: 'actions' }, dismiss, confirm),
  );
  const dialog = h(
    'dialog',
    {
      className: 'modal',
      'aria-labelledby': titleId,
      'aria-describedby': o.message ? messageId : undefined,
    },
    h('h2', { id: titleId }, o.title),
    o.message && h('p', { id: messageId }, o.message),
    form,
  );
  let busy = false;
  let confirmed = false;

  return new Promise<boolean>((resolve) => {
    const close = () => {
      if (dialog.open) dialog.close();
    };
    const onAbort = () => {
      busy = false;
      close();
    };
    dismiss.addEventListener('click', close);
    // Escape: the browser closes the dialog after this event, unless an action is still running.
    dialog.addEventListener('cancel', (e) => {
      if (busy) e.preventDefault();
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (busy) return;
      void (async () => {
        busy = true;
        confirm.disabled = true;
        dismiss.disabled = true;
        let problem: string | null | undefined;
        try {
          problem = await o.onConfirm?.();
        } catch (err) {
          problem = errorText(codeOf(err));
        }
        busy = false;
        confirm.disabled = false;
        dismiss.disabled = false;
        if (!dialog.open) return;
        if (problem) {
          error.textContent = problem;
          error.hidden = false;
          confirm.focus();
          return;
        }
        confirmed = true;
        close();
      })();
    });
    dialog.addEventListener('close', () => {
      o.signal?.removeEventListener('abort', onAbort);
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      else {
        const heading = document.querySelector<HTMLElement>('main h1');
        heading?.setAttribute('tabindex', '-1');
        heading?.focus();
      }
      resolve(confirmed);
    });
    if (o.signal?.aborted) return resolve(false);
    o.signal?.addEventListener('abort', onAbort);
    document.body.append(dialog);
    dialog.showModal();
    (o.initialFocus ?? (o.danger ? dismiss : confirm)).focus();
  });
}

/** A yes/no question: resolves to true when confirmed. */
export function confirmDialog(o: Omit<DialogOptions, 'onConfirm' | 'body'>): Promise<boolean> {
  return openDialog(o);
}

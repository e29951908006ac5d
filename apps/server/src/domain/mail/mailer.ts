/**
 * Outgoing mail. With SMTP_URL set, mail goes through nodemailer's SMTP transport; without it (the
 * embedded default, the demo, tests) it is written to the `mail_outbox` table, which
 * `electra mail:outbox` and the demo print, so password reset and invitations work end to end with
 * no mail server. Message bodies can hold reset codes: they are never logged.
 */
import nodemailer from 'nodemailer';
import type { Database, Queryable } from '../../store/database.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'outbox';
  send(message: MailMessage): Promise<void>;
  close?(): Promise<void>;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    async close() {
      transport.close();
    },
  };
}

export function createOutboxMailer(db: Database): Mailer {
  return {
    kind: 'outbox',
    async send(m) {
      await db.query(
        'mail_outbox.insert',
        'INSERT INTO mail_outbox (to_address, subject, body_text) VALUES ($1, $2, $3)',
        [m.to, m.subject, m.text],
      );
    },
  };
}

export interface OutboxEntry {
  id: number;
  to: string;
  subject: string;
  text: string;
  createdAt: Date;
}

/** Newest first. */
export async function listOutbox(
  q: Queryable,
  options: { to?: string; limit?: number } = {},
): Promise<OutboxEntry[]> {
  type Row = { id: string; to_address: string; subject: string; body_text: string; created_at: Date };
  const limit = options.limit ?? 20;
  // Two statements rather than `$1 IS NULL OR …`: a prepared plan for that cannot use the index.
  const { rows } =
    options.to === undefined
      ? await q.query<Row>(
          'mail_outbox.list',
          'SELECT id, to_address, subject, body_text, created_at FROM mail_outbox ORDER BY id DESC LIMIT $1',
          [limit],
        )
      : await q.query<Row>(
          'mail_outbox.list_to',
          `SELECT id, to_address, subject, body_text, created_at FROM mail_outbox
            WHERE lower(to_address) = lower($1) ORDER BY id DESC LIMIT $2`,
          [options.to, limit],
        );
  return rows.map((r) => ({
    id: Number(r.id),
    to: r.to_address,
    subject: r.subject,
    text: r.body_text,
    createdAt: r.created_at,
  }));
}

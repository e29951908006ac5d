/**
 * Request ids tie every log line of a request together and let a user quote one in a support ticket.
 * A client-supplied `X-Request-Id` (from a proxy or the web app) is kept only when it is short and
 * made of safe characters, so it cannot inject into logs or headers; otherwise a UUID is generated.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

const SAFE_REQUEST_ID = /^[A-Za-z0-9_=-]{1,64}$/;

export function isAcceptableRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value);
}

/** Fastify `genReqId`: the client's id when acceptable, else a fresh UUID. */
export function requestIdFor(req: Pick<IncomingMessage, 'headers'>): string {
  const offered = req.headers[REQUEST_ID_HEADER];
  return isAcceptableRequestId(offered) ? offered : randomUUID();
}

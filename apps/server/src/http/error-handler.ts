/**
 * Fastify's error handler (and `frameworkErrors`, for the few errors raised before routing): one
 * answer shape `{error:{code,message,requestId}}` for every failure (ARCHITECTURE §9.4). Unexpected
 * errors are logged in full, with stack, and the client only sees INTERNAL_ERROR; expected ones are
 * not logged here, their code goes on the request's completion line instead (see hooks.ts).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { mapError } from './error-mapper.js';
import { REQUEST_ID_HEADER } from './request-id.js';

const errorCodes = new WeakMap<FastifyRequest, string>();

/** The stable error code this request was answered with, if any (for the completion log line). */
export function errorCodeOf(request: FastifyRequest): string | undefined {
  return errorCodes.get(request);
}

export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  const mapped = mapError(error);
  if (mapped.internal) {
    request.log.error({ err: error }, `unexpected error: ${error.message}`);
  } else if (mapped.unmapped) {
    request.log.error(
      { err: error, errorCode: mapped.code },
      `error code ${mapped.code} has no status in ERROR_CODE_STATUS (answered ${mapped.status}); add it there`,
    );
  } else if (mapped.status >= 500) {
    request.log.warn({ err: error, errorCode: mapped.code }, `request failed: ${mapped.message}`);
  }
  errorCodes.set(request, mapped.code);
  void reply
    .code(mapped.status)
    .headers({ ...mapped.headers, [REQUEST_ID_HEADER]: request.id })
    .send({ error: { code: mapped.code, message: mapped.message, requestId: request.id } });
}

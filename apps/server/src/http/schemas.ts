/**
 * Shared JSON schemas for routes. Every route declares a response schema (enforced when routes are
 * registered, see app.ts) and lists its error statuses with `errorResponses(...)`, so the OpenAPI
 * document describes failures too and responses are serialized from an allow-list of fields.
 */

export const ERROR_RESPONSE_SCHEMA_ID = 'ErrorResponse';

export const errorResponseSchema = {
  $id: ERROR_RESPONSE_SCHEMA_ID,
  type: 'object',
  description: 'Every error answer has this shape; `code` is stable, `message` is for humans.',
  required: ['error'],
  additionalProperties: false,
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'requestId'],
      additionalProperties: false,
      properties: {
        code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$', examples: ['VALIDATION_FAILED'] },
        message: { type: 'string' },
        requestId: { type: 'string' },
      },
    },
  },
} as const;

/** `{ 400: {$ref: 'ErrorResponse#'}, ... }` for the listed statuses, to spread into `schema.response`. */
export function errorResponses(...statuses: number[]): Record<number, { $ref: string; description: string }> {
  const out: Record<number, { $ref: string; description: string }> = {};
  for (const s of statuses) out[s] = { $ref: `${ERROR_RESPONSE_SCHEMA_ID}#`, description: `Error ${s}` };
  return out;
}

/** Route params of every `/:id` route: one UUID, nothing else. */
export const idParamsSchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

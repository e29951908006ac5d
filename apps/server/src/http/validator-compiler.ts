/**
 * Request validation with two Ajv settings: JSON bodies are validated strictly (no type coercion: a
 * ballot field declared as a string must arrive as a string), while the querystring, path parameters
 * and headers — which are always text on the wire — are coerced to their declared types as usual.
 * Everything else keeps Fastify's defaults (removeAdditional, useDefaults).
 */
import AjvCompiler from '@fastify/ajv-compiler';

type Factory = ReturnType<typeof AjvCompiler>;

const factory: Factory = AjvCompiler();

export const buildValidator: Factory = (externalSchemas, ajvServerOptions) => {
  const coercing = factory(externalSchemas, ajvServerOptions);
  const strictOptions = {
    ...ajvServerOptions,
    customOptions: { ...ajvServerOptions?.customOptions, coerceTypes: false },
  } as Parameters<Factory>[1];
  const strict = factory(externalSchemas, strictOptions);
  return (route) => (route.httpPart === 'body' ? strict(route) : coercing(route));
};

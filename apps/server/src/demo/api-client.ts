/**
 * A small client of Electra's own HTTP API, used where the server must be driven exactly as its
 * users drive it: the demo seeder (in process, through `app.inject`), the end-to-end test and the
 * whole-election benchmark (over a real socket, through `fetch`). One `Transport` abstracts the two,
 * so the demo election is made by the same calls a newcomer's browser and a trustee's CLI make —
 * the seeder never writes election tables behind the services' backs.
 */
import type { FastifyInstance } from 'fastify';

export interface ApiResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body is not JSON (the record, an empty 204). */
  // biome-ignore lint/suspicious/noExplicitAny: API answers of many shapes, read field by field
  body: any;
  text: string;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  token?: string;
  /** JSON body (objects), or a raw string sent with `contentType`. */
  body?: unknown;
  contentType?: string;
}

export type Transport = (request: ApiRequest) => Promise<ApiResponse>;

function parse(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function encode(r: ApiRequest): { headers: Record<string, string>; payload: string | undefined } {
  const headers: Record<string, string> = {};
  if (r.token) headers.authorization = `Bearer ${r.token}`;
  if (r.body === undefined) return { headers, payload: undefined };
  if (typeof r.body === 'string') {
    headers['content-type'] = r.contentType ?? 'text/plain';
    return { headers, payload: r.body };
  }
  headers['content-type'] = 'application/json';
  return { headers, payload: JSON.stringify(r.body) };
}

/** Over a real socket (keep-alive by undici's global dispatcher). */
export function fetchTransport(baseUrl: string): Transport {
  const base = baseUrl.replace(/\/$/, '');
  return async (r) => {
    const { headers, payload } = encode(r);
    const res = await fetch(`${base}${r.path}`, { method: r.method ?? 'GET', headers, body: payload });
    const text = await res.text();
    return { status: res.status, body: parse(text), text };
  };
}

/** In process, through Fastify's injection (the demo seeder, before the server listens). */
export function injectTransport(app: FastifyInstance): Transport {
  return async (r) => {
    const { headers, payload } = encode(r);
    const res = await app.inject({ method: r.method ?? 'GET', url: r.path, headers, payload });
    return { status: res.statusCode, body: parse(res.body), text: res.body };
  };
}

export class ApiError extends Error {
  constructor(
    readonly request: ApiRequest,
    readonly response: ApiResponse,
  ) {
    super(
      `${request.method ?? 'GET'} ${request.path}: HTTP ${response.status} ${response.text.slice(0, 500)}`,
    );
  }
}

/** The call, requiring one of the `expected` statuses (default any 2xx); throws ApiError otherwise. */
export async function expectOk(
  transport: Transport,
  request: ApiRequest,
  expected?: readonly number[],
): Promise<ApiResponse> {
  const res = await transport(request);
  const ok = expected ? expected.includes(res.status) : res.status >= 200 && res.status < 300;
  if (!ok) throw new ApiError(request, res);
  return res;
}

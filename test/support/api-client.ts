import { z } from 'zod';
import { API, appSyncErrorResponse, type ApiAnswer, type ApiBody, type NotJson, type RouteKey } from '../../shared/schemas/api.ts';
import { ERROR_STATUS, errorEnvelope, validationDetails, type ErrorEnvelope } from '../../shared/schemas/errors.ts';

/**
 * A test client that calls a route by its contract key ('POST /api/orders') and parses every
 * answer with the shared schema: a success with the route's schema for that status, an error
 * with the envelope (whose code must carry its own status). Any mismatch throws, naming the
 * route, the status and what did not fit, so a test cannot pass on an answer off the contract.
 */

export interface ContractCall<K extends RouteKey> {
  /** Values for the path's `:name` parts. */
  params?: Record<string, string>;
  query?: string;
  body?: ApiBody<K>;
  /** A body off the contract on purpose (bad-input cases). */
  rawJson?: unknown;
  bytes?: Uint8Array;
  token?: string;
  headers?: Record<string, string>;
  /** For an `ALL` route: the method to send. */
  method?: string;
}

export interface ContractAnswer<K extends RouteKey> {
  status: number;
  headers: Headers;
  /** The parsed success body (undefined for errors and empty answers). */
  data: ApiAnswer<K> | undefined;
  /** The parsed error, for 4xx/5xx answers. */
  error: ErrorEnvelope['error'] | undefined;
}

/** Which routes were answered with a success and with an error, for coverage checks. */
export const exercised = new Map<RouteKey, { success: Set<number>; error: Set<string> }>();

export class ContractMismatch extends Error {}

export async function call<K extends RouteKey>(server: { url: string }, key: K, options: ContractCall<K> = {}): Promise<ContractAnswer<K>> {
  const space = key.indexOf(' ');
  const method = key.startsWith('ALL ') ? (options.method ?? 'PUT') : key.slice(0, space);
  const pattern = key.slice(space + 1);
  const path = pattern.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${key}: no value for :${name}`);
    return encodeURIComponent(value);
  });
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.bytes;
  const json = options.rawJson !== undefined ? options.rawJson : options.body;
  if (json !== undefined) {
    body = JSON.stringify(json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${server.url}${path}${options.query ? `?${options.query}` : ''}`, {
    method,
    headers,
    body: body as RequestInit['body'],
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const where = `${key} answered ${response.status}`;
  const record = exercised.get(key) ?? { success: new Set(), error: new Set() };
  exercised.set(key, record);

  const answers = API[key].answers as Partial<Record<number, z.ZodType | NotJson | null>>;
  if (response.status >= 400) {
    const isAppSync = pattern === '/event';
    const parsed = (isAppSync ? appSyncErrorResponse : errorEnvelope).safeParse(parseJson(text, where));
    if (!parsed.success) throw new ContractMismatch(`${where}, not the error envelope: ${z.prettifyError(parsed.error)}\n${text}`);
    if (isAppSync) {
      record.error.add(String(response.status));
      return { status: response.status, headers: response.headers, data: undefined, error: undefined };
    }
    const error = (parsed.data as ErrorEnvelope).error;
    if (ERROR_STATUS[error.code] !== response.status) {
      throw new ContractMismatch(`${where} with code ${error.code}, whose status is ${ERROR_STATUS[error.code]} (shared/schemas/errors.ts)`);
    }
    if (error.code === 'validation_failed' && error.details !== undefined && !validationDetails.safeParse(error.details).success) {
      throw new ContractMismatch(`${where} with validation details off their schema: ${JSON.stringify(error.details)}`);
    }
    record.error.add(error.code);
    return { status: response.status, headers: response.headers, data: undefined, error };
  }
  if (!(response.status in answers)) {
    throw new ContractMismatch(`${where}, a status its contract does not list (${Object.keys(answers).join(', ')}) in shared/schemas/api.ts`);
  }
  record.success.add(response.status);
  const expected = answers[response.status];
  if (expected === null) {
    if (bytes.length > 0) throw new ContractMismatch(`${where} with a body where none belongs: ${text.slice(0, 200)}`);
    return { status: response.status, headers: response.headers, data: undefined, error: undefined };
  }
  if (expected && 'content_type' in expected) {
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith(expected.content_type) || bytes.length === 0) {
      throw new ContractMismatch(`${where} as ${type} (${bytes.length} bytes), not ${expected.content_type}`);
    }
    return { status: response.status, headers: response.headers, data: new Blob([bytes], { type }) as ApiAnswer<K>, error: undefined };
  }
  const type = response.headers.get('content-type') ?? '';
  if (!type.startsWith('application/json')) throw new ContractMismatch(`${where} as ${type}, not JSON`);
  const parsed = (expected as z.ZodType).safeParse(parseJson(text, where));
  if (!parsed.success) throw new ContractMismatch(`${where}, off its schema: ${z.prettifyError(parsed.error)}\n${text.slice(0, 2000)}`);
  return { status: response.status, headers: response.headers, data: parsed.data as ApiAnswer<K>, error: undefined };
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ContractMismatch(`${where} with a body that is not JSON: ${text.slice(0, 200)}`);
  }
}

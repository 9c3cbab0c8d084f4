import type { ApiAnswer, ApiBody, RouteKey } from '../../shared/schemas/api.ts';
import type { ErrorCode } from '../../shared/schemas/errors.ts';

/** The server's codes, and the app's own: the server was not reached, or answered outside the envelope. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'http_error';

/** The error envelope as the apps see it: status, code and message from the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }

  /** The server was not reached at all (offline, LAN drop, server stopped). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Sees the raw response first (e.g. to read an ETag). */
  onResponse?: (response: Response) => void;
}

/** Told after every request whether the server was reached (any HTTP answer) or not. */
const reachObservers = new Set<(reached: boolean) => void>();
export function observeReach(observer: (reached: boolean) => void): () => void {
  reachObservers.add(observer);
  return () => reachObservers.delete(observer);
}

/** fetch + JSON + the error envelope; network failures become ApiError(0, 'network_error'). */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    for (const observer of reachObservers) observer(false);
    throw new ApiError(0, 'network_error', 'The server could not be reached.');
  }
  for (const observer of reachObservers) observer(true);
  options.onResponse?.(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = undefined;
  }
  if (!response.ok) {
    const error = (data as { error?: { code?: ErrorCode; message?: string } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`);
  }
  return data as T;
}

export interface RouteOptions<K extends RouteKey> extends Omit<RequestOptions, 'method' | 'body'> {
  /** Values for the path's `:name` parts. */
  params?: Record<string, string>;
  query?: string;
  body?: ApiBody<K>;
}

/** The URL of a contract route ('GET /api/drinks/:id') with its parameters filled in. */
export function routePath(key: RouteKey, params: Record<string, string> = {}, query?: string): string {
  const path = key.slice(key.indexOf(' ') + 1).replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  return query ? `${path}?${query}` : path;
}

/** A contract route's URL and request options, for requestJson or a wrapper around it. */
export function routeRequest<K extends RouteKey>(key: K, options: RouteOptions<K> = {}): [string, RequestOptions] {
  const { params, query, ...rest } = options;
  return [routePath(key, params, query), { ...rest, method: key.slice(0, key.indexOf(' ')) }];
}

/** A call typed by the shared contract (shared/schemas/api.ts): the body it takes, the answer it gives. */
export function requestApi<K extends RouteKey>(key: K, options: RouteOptions<K> = {}): Promise<ApiAnswer<K>> {
  return requestJson<ApiAnswer<K>>(...routeRequest(key, options));
}

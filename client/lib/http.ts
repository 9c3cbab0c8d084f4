import type { ErrorCode } from '../../shared/schemas/errors.ts';

/** The server's codes, and the app's own: the server was not reached, or answered outside the envelope. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'http_error';

/** The error envelope as the apps see it: status, code and message from the server. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** The envelope's optional `details` (e.g. `{reason}` with drink_unavailable). */
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The server was not reached at all (offline, LAN drop, server stopped). */
  get isNetwork(): boolean {
    return this.status === 0;
  }
}

/**
 * The server no longer knows this guest (revoked, refresh token gone): they must join again.
 * Here rather than in session.ts so the app's first screen can tell it apart without loading
 * the phone's store.
 */
export class SessionEndedError extends Error {
  constructor() {
    super('The session ended; join again.');
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
    const error = (data as { error?: { code?: ErrorCode; message?: string; details?: unknown } } | undefined)?.error;
    throw new ApiError(response.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${response.status}`, error?.details);
  }
  return data as T;
}


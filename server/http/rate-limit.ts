import type { ErrorCode } from '../../shared/schemas/errors.ts';
import { AppError } from './errors.ts';

interface Window {
  failures: number;
  resetAt: number;
  /** Attempts being evaluated right now; each holds one failure's place until it settles. */
  inFlight: number;
  waiters: Set<() => void>;
}

/** How long an attempt may wait for a place before it is refused. */
const MAX_WAIT_MS = 15_000;

/**
 * At most `limit` failed guesses (codes, passwords) per key — a client address — in each
 * window. Callers count only failures, so a party's guests behind one NAT'd address all
 * join, while guessing from one address stops after a few tries.
 *
 * A guess is counted before the work that judges it starts and given back when it turns out
 * to be right: checking the count first and counting the failure after a slow password hash
 * let a burst of simultaneous guesses all be evaluated before any of them was counted. When
 * every place is taken by attempts still in flight, the next one waits for one to settle
 * instead of being refused, so many right answers at once (a party arriving) are only queued.
 */
export class RateLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Runs `work` as one attempt for `key`. It counts as a failure when it throws an error for
   * which `isFailure` is true (a wrong code or password), and not when it succeeds or fails
   * for another reason. Throws 429 when the key has no failures left in this window.
   */
  async attempt<T>(key: string, work: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const window = await this.reserve(key);
    let failed = false;
    try {
      return await work();
    } catch (error) {
      failed = isFailure(error);
      throw error;
    } finally {
      this.settle(window, failed);
    }
  }

  private async reserve(key: string): Promise<Window> {
    const deadline = Date.now() + MAX_WAIT_MS;
    for (;;) {
      const now = Date.now();
      const window = this.current(key, now);
      if (window.failures >= this.limit) throw rateLimited(window.resetAt - now);
      if (window.failures + window.inFlight < this.limit) {
        window.inFlight += 1;
        return window;
      }
      if (now >= deadline) throw rateLimited(1_000);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          window.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, deadline - now);
        window.waiters.add(wake);
      });
    }
  }

  private settle(window: Window, failed: boolean): void {
    window.inFlight -= 1;
    if (failed) {
      const now = Date.now();
      if (window.resetAt <= now) {
        window.failures = 0;
        window.resetAt = now + this.windowMs;
      }
      window.failures += 1;
    }
    // A success frees one place: the longest waiting takes it. A failure may have used up the
    // window's budget, and everyone waiting must hear so.
    const waiting = [...window.waiters];
    for (const wake of failed ? waiting : waiting.slice(0, 1)) wake();
  }

  private current(key: string, now: number): Window {
    let window = this.windows.get(key);
    if (!window) {
      if (this.windows.size >= 10_000) this.sweep(now);
      window = { failures: 0, resetAt: 0, inFlight: 0, waiters: new Set() };
      this.windows.set(key, window);
    } else if (window.resetAt <= now) {
      window.failures = 0;
    }
    return window;
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now && window.inFlight === 0 && window.waiters.size === 0) this.windows.delete(key);
    }
  }
}

function rateLimited(retryAfterMs: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return new AppError(429, 'rate_limited', 'Too many failed attempts; wait a moment and try again.', undefined, {
    'Retry-After': String(retryAfter),
  });
}

/** `isFailure` for attempts whose wrong guess is the AppError with this code. */
export const failsWith =
  (code: ErrorCode) =>
  (error: unknown): boolean =>
    error instanceof AppError && error.code === code;

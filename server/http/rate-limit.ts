import type { Request } from 'express';
import { AppError } from './errors.ts';

/**
 * A fixed-window counter per client address. Callers count only failures (bad codes, bad
 * passwords), so a party's guests behind one NAT'd address all join, while guessing a
 * code or a password from one address stops after a few tries.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Throws 429 when the address has used up its failures in this window. */
  check(key: string): void {
    const entry = this.windows.get(key);
    const now = Date.now();
    if (entry && entry.resetAt > now && entry.count >= this.limit) {
      const retryAfter = Math.max(1, Math.ceil((entry.resetAt - now) / 1000));
      throw new AppError(429, 'rate_limited', 'Too many failed attempts; wait a moment and try again.', undefined, {
        'Retry-After': String(retryAfter),
      });
    }
  }

  fail(key: string): void {
    const now = Date.now();
    const entry = this.windows.get(key);
    if (!entry || entry.resetAt <= now) {
      this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
      if (this.windows.size > 10_000) this.sweep(now);
    } else {
      entry.count += 1;
    }
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.windows) if (entry.resetAt <= now) this.windows.delete(key);
  }
}

export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

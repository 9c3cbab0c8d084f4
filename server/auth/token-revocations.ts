import type { Database, Queryable } from '../db/database.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { AccessClaims } from './tokens.ts';
import { TokenRevocationRepository } from './token-revocation.repository.ts';

/**
 * Tokens of the roles that can be revoked at once: those that carry a session epoch (the
 * host's today; a staff role adds itself by carrying one too). Guests are revoked through
 * their account (GuestStatusCache) and never pay for a lookup here.
 */
export type RevocableClaims = Extract<AccessClaims, { session_epoch: number; jti: string }>;

export function isRevocable(claims: AccessClaims): claims is RevocableClaims {
  return 'session_epoch' in claims && typeof claims.session_epoch === 'number';
}

/** Whose tokens: "<role>:<id>", e.g. `admin:<host account id>`. */
export function tokenSubject(claims: { role: string; sub: string }): string {
  return `${claims.role}:${claims.sub}`;
}

interface CachedState {
  epoch: number;
  keptJti: string | null;
  revoked: Set<string>;
  until: number;
}

/**
 * Refusing access tokens before they expire, on every instance. Two records in the database
 * (revoked_tokens for one token, token_epochs for all of a subject's tokens) make it hold
 * for an instance that starts later or missed a message; the bus's `tokens.revoked` event
 * makes every running instance drop what it remembered at once, so the next request on any
 * of them is refused. What an instance remembers lives a few seconds at most, which bounds
 * how long a lost signal could go unnoticed.
 */
export class TokenRevocations {
  private readonly cache = new Map<string, CachedState>();
  // Bumped by every forget(): a lookup that started before a revocation must not cache its answer.
  private invalidations = 0;
  private readonly repo: TokenRevocationRepository;

  constructor(
    db: Database,
    private readonly events: EventBus,
    private readonly ttlMs = 5_000,
  ) {
    this.repo = new TokenRevocationRepository(db);
  }

  /** `fresh` reads the database even when a remembered answer is still young. */
  async isRevoked(claims: RevocableClaims, options: { fresh?: boolean } = {}): Promise<boolean> {
    const state = await this.state(tokenSubject(claims), options.fresh ?? false);
    if (state.revoked.has(claims.jti)) return true;
    return claims.session_epoch !== state.epoch && claims.jti !== state.keptJti;
  }

  /** The epoch a token issued now carries; read from the database, never from memory. */
  epoch(subject: string): Promise<number> {
    return this.repo.epoch(subject);
  }

  /** Sign out: this one token is refused from now on. */
  async revokeToken(claims: RevocableClaims): Promise<void> {
    await this.repo.revokeToken(claims.jti, tokenSubject(claims), new Date(claims.exp * 1000));
    this.announce(tokenSubject(claims));
  }

  /**
   * Every token of the subject issued so far is refused, except `keptJti`'s. Runs in the
   * caller's transaction (a password change and the raise commit together); the caller
   * calls announce() once it committed.
   */
  raiseEpoch(tx: Queryable, subject: string, keptJti: string | null = null): Promise<number> {
    return new TokenRevocationRepository(tx).raiseEpoch(subject, keptJti);
  }

  /** After a committed revocation: forget here at once, and tell every other instance. */
  announce(subject: string): void {
    this.forget(subject);
    this.events.emit('tokens.revoked', { subject });
  }

  /** A revocation happened (here or on another instance): the next check reads the database. */
  forget(subject: string): void {
    this.invalidations++;
    this.cache.delete(subject);
  }

  private async state(subject: string, fresh: boolean): Promise<CachedState> {
    const now = Date.now();
    const hit = this.cache.get(subject);
    if (hit && hit.until > now && !fresh) return hit;
    const seen = this.invalidations;
    const loaded = await this.repo.state(subject);
    const state: CachedState = { epoch: loaded.epoch, keptJti: loaded.keptJti, revoked: new Set(loaded.revokedJtis), until: now + this.ttlMs };
    if (seen === this.invalidations) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(subject, state);
    }
    return state;
  }
}

import { createHash, randomBytes } from 'node:crypto';
import type { RefreshResponse, RegisterResponse } from '../../shared/schemas/guests.ts';
import type { Database } from '../db/database.ts';
import type { TokenService } from '../auth/tokens.ts';
import { AppError } from '../http/errors.ts';
import { GuestAuthRepository } from './guest-auth.repository.ts';

export const invalidRegistrationCode = () =>
  new AppError(401, 'invalid_registration_code', 'This invite code is not valid: it may be unknown, expired, revoked or used up.');
export const invalidRefreshToken = () =>
  new AppError(401, 'invalid_refresh_token', 'This session has ended; join again with an invite code.');

/**
 * Refresh tokens are bearer secrets that live two days on a phone: only their SHA-256 is
 * stored, so a leaked database dump cannot be replayed. 32 random bytes make guessing
 * hopeless, so a fast unsalted hash is enough.
 */
export function newRefreshToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The User-Agent, cleaned of control characters and cut short: it is only shown to the host. */
export function deviceInfo(userAgent: string | undefined): string | null {
  const cleaned = userAgent?.replace(/\p{Cc}/gu, ' ').trim().slice(0, 200);
  return cleaned ? cleaned : null;
}

type RefreshOutcome = { kind: 'issued'; userKey: string; username: string; token: string } | { kind: 'refused' };

export class GuestAuthService {
  private readonly guests: GuestAuthRepository;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokenService,
    private readonly accessTtl: number,
    private readonly reuseGraceSeconds: number,
  ) {
    this.guests = new GuestAuthRepository(db);
  }

  /** Joins with an invite code; the code is checked and consumed atomically with the guest's creation. */
  async register(code: string, username: string, device: string | null): Promise<RegisterResponse> {
    const refresh = newRefreshToken();
    const guest = await this.guests.registerWithCode(code, username, refresh.hash, device);
    if (!guest) throw invalidRegistrationCode();
    return {
      user: { user_key: guest.user_key, username: guest.username },
      access_token: await this.tokens.signGuest(guest.user_key, guest.username, this.accessTtl),
      refresh_token: refresh.token,
      expires_in: this.accessTtl,
    };
  }

  /**
   * Trades a refresh token for a new pair and retires it (rotation). A retired token shown
   * again means two parties hold it — one of them a thief — so every refresh token of the
   * guest is revoked, unless it comes within the grace period, where it is most likely the
   * page and the service worker (or two tabs) refreshing at the same moment.
   */
  async refresh(presented: string, device: string | null): Promise<RefreshResponse> {
    const hash = hashRefreshToken(presented);
    const outcome = await this.db.transaction(async (tx): Promise<RefreshOutcome> => {
      const repo = new GuestAuthRepository(tx);
      const state = await repo.lockRefreshToken(hash);
      if (!state || state.is_revoked || state.expired || !state.user_active) return { kind: 'refused' };
      const next = newRefreshToken();
      if (state.rotated) {
        if (state.since_rotation === null || state.since_rotation > this.reuseGraceSeconds) {
          // Committed, not rolled back: the family stays revoked after this 401.
          await repo.revokeAllOf(state.user_key);
          return { kind: 'refused' };
        }
        // Inside the grace window: a further working token; the one issued at rotation stays valid.
        await repo.insertRefreshToken(state.user_key, next.hash, device);
        await repo.touch(state.token_id);
      } else {
        const nextId = await repo.insertRefreshToken(state.user_key, next.hash, device);
        await repo.markRotated(state.token_id, nextId);
      }
      await repo.touchLogin(state.user_key);
      return { kind: 'issued', userKey: state.user_key, username: state.username, token: next.token };
    });
    if (outcome.kind === 'refused') throw invalidRefreshToken();
    return {
      access_token: await this.tokens.signGuest(outcome.userKey, outcome.username, this.accessTtl),
      refresh_token: outcome.token,
      expires_in: this.accessTtl,
    };
  }

  /** Ends this session: the token stops refreshing. Unknown tokens are already "logged out". */
  async logout(presented: string): Promise<void> {
    await this.guests.revokeByHash(hashRefreshToken(presented));
  }
}

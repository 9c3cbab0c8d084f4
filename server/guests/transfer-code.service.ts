import { createHash, randomInt } from 'node:crypto';
import type { RegisterResponse } from '../../shared/schemas/guests.ts';
import type { TransferCodeResponse } from '../../shared/schemas/transfer.ts';
import { TRANSFER_CODE_PATTERN, TRANSFER_CODE_TTL } from '../../shared/transfer-code.ts';
import type { Database } from '../db/database.ts';
import type { TokenService } from '../auth/tokens.ts';
import { AppError } from '../http/errors.ts';
import { newRefreshToken } from './guest-auth.service.ts';
import { TransferCodeRepository } from './transfer-code.repository.ts';

export const invalidTransferCode = () =>
  new AppError(401, 'invalid_transfer_code', 'This transfer code is not valid: it may be wrong, expired or already used.');

/**
 * A transfer code is a bearer secret for ten minutes: whoever types it becomes the guest. Only
 * its hash is stored, so the codes live at a moment are not readable from the database or its
 * backups. Six digits are guessable offline from the hash and online by trying; what protects
 * them is their short life, single use, one live code per guest, and the guess limits in
 * transfer-code.routes.ts, counted before any work.
 */
export function hashTransferCode(code: string): Buffer {
  return createHash('sha256').update(`barback-transfer:${code}`).digest();
}

export class TransferCodeService {
  private readonly codes: TransferCodeRepository;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokenService,
    private readonly accessTtl: number,
  ) {
    this.codes = new TransferCodeRepository(db);
  }

  /** A new code for this guest; their earlier code, if any, stops working. */
  async create(userKey: string): Promise<TransferCodeResponse> {
    return this.db.transaction(async (tx) => {
      const repo = new TransferCodeRepository(tx);
      await repo.sweep(userKey);
      // A million codes and a few live ones: a clash is rare, and a second draw settles it.
      for (let draw = 0; draw < 5; draw++) {
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
        if (await repo.insert(userKey, hashTransferCode(code), TRANSFER_CODE_TTL)) return { code, expires_in: TRANSFER_CODE_TTL };
      }
      throw new AppError(503, 'transfer_code_unavailable', 'No transfer code could be made just now; try again.');
    });
  }

  /** Trades a code for registration's answer for the same guest, with a new refresh family. */
  async redeem(code: string, device: string | null): Promise<RegisterResponse> {
    if (!TRANSFER_CODE_PATTERN.test(code)) throw invalidTransferCode();
    const refresh = newRefreshToken();
    const guest = await this.codes.redeem(hashTransferCode(code), refresh.hash, device);
    if (!guest) throw invalidTransferCode();
    return {
      user: { user_key: guest.user_key, username: guest.username },
      access_token: await this.tokens.signGuest(guest.user_key, guest.username, this.accessTtl),
      refresh_token: refresh.token,
      expires_in: this.accessTtl,
    };
  }
}

import { createHash, randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { Database } from '../db/database.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { TokenRevocations } from '../auth/token-revocations.ts';
import { AppError, notFound } from '../http/errors.ts';
import { invalidRefreshToken } from '../guests/guest-auth.service.ts';
import type { RefreshResponse } from '../../shared/schemas/guests.ts';
import type { CreateStaffPassBody, StaffJoinResponse, StaffMember, StaffPass } from '../../shared/schemas/staff.ts';
import { StaffRepository, type StaffMemberRow, type StaffPassRow } from './staff.repository.ts';

export const invalidStaffPass = () =>
  new AppError(401, 'invalid_staff_pass', 'This staff pass is not valid: it may be unknown, expired, revoked or used up.');

/** 32 random bytes: hopeless to guess, so a fast unsalted hash is enough to store (as refresh tokens). */
const secret = () => randomBytes(32).toString('base64url');
export const hashSecret = (value: string): Buffer => createHash('sha256').update(value).digest();
const subjectOf = (staffKey: string) => `bartender:${staffKey}`;
/**
 * A helper's refresh tokens start with this ('.' is never in a guest's base64url token), so
 * /api/auth/refresh knows whose table to look in without a database trip.
 */
export const STAFF_REFRESH_PREFIX = 'staff.';
export const isStaffRefreshToken = (token: string) => token.startsWith(STAFF_REFRESH_PREFIX);
const refreshSecret = () => `${STAFF_REFRESH_PREFIX}${secret()}`;
const DEFAULT_MAX_USES = 10;

/**
 * Staff passes and the helpers who joined with one. A helper's access token carries the
 * `bartender` role and a session epoch (like the host's), so revoking them raises the epoch:
 * every instance refuses their tokens and closes their sockets at once (TokenRevocations).
 */
export class StaffService {
  private readonly repo: StaffRepository;

  constructor(
    private readonly db: Database,
    private readonly tokens: TokenService,
    private readonly revocations: TokenRevocations,
    private readonly accessTtl: number,
    private readonly reuseGraceSeconds: number,
  ) {
    this.repo = new StaffRepository(db);
  }

  static joinUrl(origin: string, passSecret: string): string {
    return `${origin}/staff?pass=${passSecret}`;
  }

  async createPass(body: CreateStaffPassBody, origin: string): Promise<StaffPass> {
    const passSecret = secret();
    const expiresAt = new Date(Date.now() + body.expires_in_hours * 3_600_000);
    const row = await this.repo.createPass(hashSecret(passSecret), expiresAt, body.max_uses ?? DEFAULT_MAX_USES, body.notes ?? null);
    const joinUrl = StaffService.joinUrl(origin, passSecret);
    const qr = await QRCode.toString(joinUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { ...presentPass(row), join_url: joinUrl, qr_svg: qr };
  }

  async listPasses(): Promise<StaffPass[]> {
    return (await this.repo.listPasses()).map(presentPass);
  }

  /** No one else joins with it; those who did keep working until revoked themselves. */
  async revokePass(id: string): Promise<void> {
    if (!(await this.repo.revokePass(id))) throw notFound('staff_pass');
  }

  async join(passSecret: string, name: string): Promise<StaffJoinResponse> {
    const refresh = refreshSecret();
    const member = await this.repo.join(hashSecret(passSecret), name, hashSecret(refresh));
    if (!member) throw invalidStaffPass();
    return {
      staff: { staff_key: member.staff_key, name: member.name },
      access_token: await this.sign(member.staff_key, member.name),
      refresh_token: refresh,
      expires_in: this.accessTtl,
    };
  }

  /** A helper's refresh through /api/auth/refresh: rotation and reuse detection as for guests. */
  async refresh(presented: string): Promise<RefreshResponse> {
    const outcome = await this.db.transaction(async (tx) => {
      const repo = new StaffRepository(tx);
      const state = await repo.lockRefreshToken(hashSecret(presented));
      if (!state || state.is_revoked || state.expired || !state.active) return 'refused' as const;
      if (state.rotated && (state.since_rotation === null || state.since_rotation > this.reuseGraceSeconds)) {
        // Committed: a rotated token shown again means two holders; the whole family ends.
        await repo.revokeTokensOf(state.staff_key);
        return 'refused' as const;
      }
      const next = refreshSecret();
      await repo.insertRefreshToken(state.staff_key, hashSecret(next));
      if (!state.rotated) await repo.markRotated(state.token_id);
      return { staffKey: state.staff_key, name: state.name, token: next };
    });
    if (outcome === 'refused') throw invalidRefreshToken();
    return { access_token: await this.sign(outcome.staffKey, outcome.name), refresh_token: outcome.token, expires_in: this.accessTtl };
  }

  async logout(presented: string): Promise<void> {
    await this.repo.revokeRefreshByHash(hashSecret(presented));
  }

  async listMembers(): Promise<StaffMember[]> {
    return (await this.repo.listMembers()).map(presentMember);
  }

  /** Refresh tokens end and the epoch rises in one transaction; then every instance hears it. */
  async revokeMember(staffKey: string): Promise<StaffMember> {
    const member = await this.db.transaction(async (tx) => {
      const row = await new StaffRepository(tx).revokeMember(staffKey);
      if (!row) throw notFound('staff');
      await this.revocations.raiseEpoch(tx, subjectOf(staffKey));
      return row;
    });
    this.revocations.announce(subjectOf(staffKey));
    return presentMember(member);
  }

  private async sign(staffKey: string, name: string): Promise<string> {
    return this.tokens.signBartender(staffKey, name, this.accessTtl, await this.revocations.epoch(subjectOf(staffKey)));
  }
}

function presentPass(row: StaffPassRow): StaffPass {
  return {
    pass: row.id,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    max_uses: row.max_uses,
    use_count: row.use_count,
    notes: row.notes,
    join_url: null,
    revoked: row.revoked_at !== null,
  };
}

function presentMember(row: StaffMemberRow): StaffMember {
  return {
    staff_key: row.staff_key,
    name: row.name,
    created_at: row.created_at.toISOString(),
    is_active: row.is_active,
    pass: row.pass_id,
    last_seen: row.last_seen ? row.last_seen.toISOString() : null,
  };
}

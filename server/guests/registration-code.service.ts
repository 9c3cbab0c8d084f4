import QRCode from 'qrcode';
import type { CreateRegistrationCodeBody, RegistrationCode } from '../../shared/schemas/guests.ts';
import type { Database } from '../db/database.ts';
import { notFound } from '../http/errors.ts';
import { RegistrationCodeRepository, type RegistrationCodeRow } from './registration-code.repository.ts';

const DEFAULT_HOURS = 24;

/** The host's invite codes: create, list, revoke, and the QR code guests scan. */
export class RegistrationCodeService {
  private readonly codes: RegistrationCodeRepository;

  constructor(db: Database) {
    this.codes = new RegistrationCodeRepository(db);
  }

  /** The link a guest opens: the guest app's /join route with the code filled in. */
  static joinUrl(origin: string, code: string): string {
    return `${origin}/join?code=${code}`;
  }

  async create(body: CreateRegistrationCodeBody, createdBy: string | null, origin: string): Promise<RegistrationCode> {
    const expiresAt = body.expires_at
      ? new Date(body.expires_at)
      : new Date(Date.now() + (body.expires_in_hours ?? DEFAULT_HOURS) * 3_600_000);
    const row = await this.codes.create({ expiresAt, maxUses: body.max_uses, notes: body.notes ?? null, createdBy });
    return present(row, origin);
  }

  async list(origin: string): Promise<RegistrationCode[]> {
    return (await this.codes.list()).map((row) => present(row, origin));
  }

  async revoke(code: string): Promise<void> {
    if (!(await this.codes.revoke(code))) throw notFound('registration_code');
  }

  async qrSvg(code: string, origin: string): Promise<string> {
    const row = await this.codes.find(code);
    if (!row) throw notFound('registration_code');
    return QRCode.toString(RegistrationCodeService.joinUrl(origin, row.code), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  }
}

function present(row: RegistrationCodeRow, origin: string): RegistrationCode {
  return {
    code: row.code,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    max_uses: row.max_uses,
    use_count: row.use_count,
    notes: row.notes,
    join_url: RegistrationCodeService.joinUrl(origin, row.code),
    revoked: row.revoked_at !== null,
  };
}

import { expect } from 'vitest';
import { api, type TestServer } from '../support/server.ts';

/** A staff pass made by the host; `secret` is the part of its join link a helper scans. */
export async function newPass(server: TestServer, admin: string, body: Record<string, unknown> = { expires_in_hours: 4 }) {
  const res = await api(server, 'POST', '/api/admin/staff-passes', { token: admin, body });
  expect(res.status).toBe(201);
  const secret = new URL(res.body.join_url as string).searchParams.get('pass')!;
  return { ...res.body, secret } as { pass: string; join_url: string; qr_svg: string; secret: string; max_uses: number };
}

export async function join(server: TestServer, secret: string, name = 'Robin') {
  const res = await api(server, 'POST', '/api/staff/join', { headers: { 'x-staff-pass': secret }, body: { name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { staff: { staff_key: string; name: string }; access_token: string; refresh_token: string };
}

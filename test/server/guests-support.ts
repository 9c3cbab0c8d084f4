import { adminToken, api, type TestServer } from '../support/server.ts';

/** Helpers shared by the guests-*.test.ts files (they talk to the real server only). */
export interface Registered {
  user: { user_key: string; username: string };
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

export async function createCode(server: TestServer, admin: string, body: Record<string, unknown> = { max_uses: 100 }): Promise<string> {
  const res = await api(server, 'POST', '/api/admin/registration-codes', { token: admin, body });
  if (res.status !== 201) throw new Error(`creating a code failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

export function register(server: TestServer, code: string | undefined, username: unknown = 'Sam', headers: Record<string, string> = {}) {
  return api(server, 'POST', '/api/register', {
    body: { username },
    headers: code === undefined ? headers : { 'x-registration-code': code, ...headers },
  });
}

/** A registered guest, through the public flow. */
export async function joinAs(server: TestServer, username = 'Sam', headers: Record<string, string> = {}): Promise<Registered> {
  const code = await createCode(server, await adminToken(server), { max_uses: 1 });
  const res = await register(server, code, username, headers);
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Registered;
}

export const refresh = (server: TestServer, refreshToken: unknown, headers: Record<string, string> = {}) =>
  api(server, 'POST', '/api/auth/refresh', { body: { refresh_token: refreshToken }, headers });

import type { TestServer } from './server.ts';

export interface TestGuest {
  user_key: string;
  username: string;
  access_token: string;
}

/**
 * A guest created straight in the database with a real signed token, for tests of other
 * domains (orders, events) that should not depend on the registration flow.
 */
export async function createGuestDirect(server: TestServer, username = 'Sam'): Promise<TestGuest> {
  const { rows } = await server.db.query<{ user_key: string }>(
    'INSERT INTO app_users (username) VALUES ($1) RETURNING user_key',
    [username],
  );
  const userKey = rows[0]!.user_key;
  const access_token = await server.ctx.tokens.signGuest(userKey, username, server.ctx.config.guestTokenTtl);
  return { user_key: userKey, username, access_token };
}

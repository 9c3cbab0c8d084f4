import { closeAll, configureFromServer, installWebSocket } from './amplify.ts';
import { startPushService, type PushService } from './push-service.ts';
import { adminToken, api, startTestServer, type TestServer } from './server.ts';

/**
 * A bar as the service tests need it: a real server whose pushes reach the push stand-in,
 * the real Amplify Events client set up to hear it live, the host signed in, and the first
 * drink of the menu.
 */
export interface LiveBar {
  server: TestServer;
  inbox: PushService;
  admin: string;
  drink: { id: string; name: string };
  stop(): Promise<void>;
}

export async function startLiveBar(env: Record<string, string> = {}): Promise<LiveBar> {
  const inbox = await startPushService();
  const server = await startTestServer({ PUSH_ENDPOINT_HOSTS: '127.0.0.1', NODE_EXTRA_CA_CERTS: inbox.caFile, ...env });
  const admin = await adminToken(server);
  const drink = (await api(server, 'GET', '/api/drinks')).body.drinks[0] as { id: string; name: string };
  installWebSocket({ plainHttp: true });
  await configureFromServer(server.url);
  return {
    server,
    inbox,
    admin,
    drink,
    async stop() {
      await closeAll().catch(() => undefined);
      await server.stop();
      await inbox.close();
    },
  };
}

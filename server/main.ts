import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger } from './logger.ts';
import { startServer, type RunningServer } from './server.ts';
import { lanAddress } from './network.ts';
import { httpsBannerLines } from './https/banner.ts';

function fail(message: string): never {
  process.stderr.write(`barback: ${message}\n`);
  process.exit(1);
}

function buildClientIfMissing(config: Config): void {
  // BARBACK_NO_BUILD=1 serves the API alone (benchmarks, API-only deployments).
  if (process.env.BARBACK_NO_BUILD === '1' || fs.existsSync(path.join(config.clientDir, 'index.html'))) return;
  process.stdout.write('barback: building the app once (it takes a few seconds)…\n');
  const vite = path.resolve('node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build'], { stdio: 'inherit' });
  if (result.status !== 0) fail('building the app failed; see the output above.');
}

function banner(config: Config, running: RunningServer): string {
  // TLS_CERT makes localhost itself https; an automatic certificate is for its name, not localhost.
  const scheme = config.tlsCert ? 'https' : 'http';
  const lan = lanAddress();
  const lines = [
    '',
    '  barback is open.',
    '',
    `  On this laptop:   ${scheme}://localhost:${running.port}/admin`,
    `  For guests:       ${running.ctx.publicOrigin()}  (invite codes carry this address)`,
    lan ? `  LAN address:      ${lan}` : '  LAN address:      none found (guests need to reach this machine)',
    `  Database:         ${running.ctx.db.kind === 'embedded' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`,
    ...httpsBannerLines(running.ctx.https.status()),
    running.ctx.push.status.available
      ? '  Push:             on: guests can be notified with the app closed.'
      : `  Push:             off (${running.ctx.push.status.reason});\n` +
        '                    guests are notified while the app is open.',
    '',
    running.setupToken
      ? `  No host account yet. Create it here (one time only):\n    ${scheme}://localhost:${running.port}/setup?token=${running.setupToken}`
      : '  Host account:     exists. Sign in at /admin.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  buildClientIfMissing(config);
  const logger = createLogger(config.logLevel);
  let running: RunningServer;
  try {
    running = await startServer(config, { logger });
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') fail(`port ${config.port} is already in use. Set PORT to another port.`);
    if (err.code === 'EACCES') fail(`not allowed to listen on port ${config.port}. Use a port above 1024.`);
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === '28P01' || err.code === '3D000') {
      fail(`cannot reach the database at DATABASE_URL (${err.code}): ${err.message}`);
    }
    throw error;
  }
  // Certificate steps as they happen; the banner waits for the first round (bounded: a CA may be slow).
  running.ctx.https.onStep((line) => process.stdout.write(`  https: ${line}\n`));
  await Promise.race([running.ctx.https.ready, new Promise((resolve) => setTimeout(resolve, 90_000).unref())]);
  process.stdout.write(`${banner(config, running)}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`barback: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { browserAvailable } from './chromium.ts';

/** Builds the app once for the whole browser suite (tests drive the built app, service worker included). */
export default function setup(): void {
  if (!browserAvailable()) return;
  // E2E_CLIENT_DIR names a build made elsewhere; E2E_SKIP_BUILD=1 trusts the dist/ there is.
  if (process.env.E2E_SKIP_BUILD === '1' || process.env.E2E_CLIENT_DIR) return;
  const vite = path.resolve('node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('vite build failed before the browser suite');
}

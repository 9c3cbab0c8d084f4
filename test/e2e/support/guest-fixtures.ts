import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { E2eServer } from './e2e-server.ts';

export const AXE_SOURCE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

export const SCREENSHOTS = path.resolve('docs/screenshots');

/** The public menu as the server has it now. */
export async function menuDrinks(server: E2eServer): Promise<{ id: string; name: string; image_url: string | null }[]> {
  const res = await fetch(`${server.url}/api/drinks`);
  return ((await res.json()) as { drinks: { id: string; name: string; image_url: string | null }[] }).drinks;
}

/** Gives a drink a real photo-sized image through the host API, so offline tests can check images. */
export async function giveImage(server: E2eServer, drinkId: string, colour = '#e0702a'): Promise<string> {
  const png = await sharp({ create: { width: 400, height: 400, channels: 3, background: colour } }).png().toBuffer();
  const res = await fetch(`${server.url}/api/admin/drinks/${drinkId}/image`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'image/png' },
    body: png,
  });
  if (res.status !== 200) throw new Error(`image upload failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { drink: { image_url: string } }).drink.image_url;
}

export async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

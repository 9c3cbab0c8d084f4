/**
 * Draws the app icons once (`node --import tsx client/scripts/make-icons.ts`); the PNGs are
 * committed. A cocktail glass on the party-dark background; the maskable ones keep the glass
 * inside the 80 % safe zone so Android's mask never cuts it.
 */
import sharp from 'sharp';

const BACKGROUND = '#17131f';
const GLASS = '#ffb347';

function svg(size: number, scale: number, rounded: boolean): string {
  const r = rounded ? size * 0.18 : 0;
  const s = (size * scale) / 100;
  const o = (size - 100 * s) / 2;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
  <rect width="${size}" height="${size}" rx="${r}" fill="${BACKGROUND}"/>
  <g transform="translate(${o} ${o}) scale(${s})" fill="none" stroke="${GLASS}" stroke-width="6" stroke-linejoin="round" stroke-linecap="round">
    <path d="M14 18 H86 L50 56 Z" fill="${GLASS}" fill-opacity="0.25"/>
    <path d="M50 56 V84 M32 86 H68"/>
    <circle cx="70" cy="20" r="9" fill="${BACKGROUND}"/>
    <path d="M60 8 L76 30"/>
  </g>
</svg>`;
}

async function write(file: string, size: number, scale: number, rounded: boolean): Promise<void> {
  await sharp(Buffer.from(svg(size, scale, rounded))).png({ compressionLevel: 9 }).toFile(`client/public/${file}`);
}

await write('icon-192.png', 192, 80, true);
await write('icon-512.png', 512, 80, true);
await write('icon-maskable-192.png', 192, 60, false);
await write('icon-maskable-512.png', 512, 60, false);
await write('apple-touch-icon.png', 180, 72, false);
await write('favicon-32.png', 32, 92, true);
await import('node:fs').then((fs) => fs.writeFileSync('client/public/favicon.svg', svg(64, 90, true)));

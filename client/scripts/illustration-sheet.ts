/**
 * The default menu's drawings on one contact sheet, so anyone can judge them at a glance:
 * `node --import tsx client/scripts/illustration-sheet.ts [en|fr]` writes
 * docs/illustrations.png (the PNG is committed; run this again after changing the drawings).
 */
import sharp from 'sharp';
import { defaultMenu } from '../../server/menu/default-menu.ts';
import { illustrationSpec } from '../../shared/illustration/spec.ts';
import { renderIllustration } from '../../shared/illustration/render.ts';

const CELL = 200;
const LABEL = 34;
const COLUMNS = 7;
const language = process.argv[2] === 'fr' ? 'fr' : 'en';
const drinks = defaultMenu(language).flatMap((section) => section.drinks);
const rows = Math.ceil(drinks.length / COLUMNS);

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const tiles = await Promise.all(
  drinks.map(async (drink, index) => {
    const svg = renderIllustration(illustrationSpec(drink)).replace('width="400" height="400"', `width="${CELL}" height="${CELL}"`);
    return { input: await sharp(Buffer.from(svg)).png().toBuffer(), left: (index % COLUMNS) * CELL, top: Math.floor(index / COLUMNS) * (CELL + LABEL) };
  }),
);
const labels = `<svg xmlns="http://www.w3.org/2000/svg" width="${COLUMNS * CELL}" height="${rows * (CELL + LABEL)}">${drinks
  .map((drink, index) => {
    const x = (index % COLUMNS) * CELL + CELL / 2;
    const y = Math.floor(index / COLUMNS) * (CELL + LABEL) + CELL + 23;
    return `<text x="${x}" y="${y}" fill="#f6f1ff" font-family="sans-serif" font-size="17" text-anchor="middle">${escape(drink.name)}</text>`;
  })
  .join('')}</svg>`;

await sharp({ create: { width: COLUMNS * CELL, height: rows * (CELL + LABEL), channels: 3, background: '#17131f' } })
  .composite([...tiles, { input: Buffer.from(labels), left: 0, top: 0 }])
  .png({ compressionLevel: 9 })
  .toFile('docs/illustrations.png');
console.log(`docs/illustrations.png: ${drinks.length} drinks (${language})`);

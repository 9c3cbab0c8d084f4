import type { Glass } from './glasses.ts';
import type { Garnish, IllustrationSpec } from './spec.ts';

/**
 * Draws a drink as a small SVG (120×120) in the party style: a dark stage with a soft glow in
 * the drink's colour, the glass outlined in light, the liquid, and the garnish on the rim.
 * Pure and deterministic: the same spec gives the same bytes on the server and in tests.
 */

interface GlassShape {
  /** The inside of the glass (the liquid is this shape below `level`). */
  bowl: string;
  /** Stem, foot, handle or base, drawn as outline. */
  extra?: string;
  level: number;
  rimY: number;
  rimLeft: number;
  rimRight: number;
  /** Ice cube centres. */
  ice: [number, number][];
  /** The glass body is opaque (a copper mug): only the surface of the drink shows. */
  opaque?: boolean;
}

const SHAPES: Record<Glass, GlassShape> = {
  coupe: {
    bowl: 'M26 44 L94 44 C92 66 78 74 60 74 C42 74 28 66 26 44 Z',
    extra: 'M60 74 L60 100 M44 102 Q60 97 76 102',
    level: 50, rimY: 44, rimLeft: 26, rimRight: 94, ice: [],
  },
  martini: {
    bowl: 'M24 36 L96 36 L60 76 Z',
    extra: 'M60 76 L60 100 M44 102 Q60 97 76 102',
    level: 42, rimY: 36, rimLeft: 24, rimRight: 96, ice: [],
  },
  rocks: {
    bowl: 'M33 52 L87 52 L84 102 L36 102 Z',
    extra: 'M36 96 L84 96',
    level: 62, rimY: 52, rimLeft: 33, rimRight: 87, ice: [[48, 74], [70, 70], [58, 88]],
  },
  highball: {
    bowl: 'M40 28 L80 28 L78 104 L42 104 Z',
    extra: 'M42 98 L78 98',
    level: 38, rimY: 28, rimLeft: 40, rimRight: 80, ice: [[52, 50], [67, 62], [54, 76], [66, 88]],
  },
  collins: {
    bowl: 'M43 20 L77 20 L76 104 L44 104 Z',
    extra: 'M44 98 L76 98',
    level: 30, rimY: 20, rimLeft: 43, rimRight: 77, ice: [[54, 44], [66, 58], [55, 72], [65, 86]],
  },
  flute: {
    bowl: 'M48 22 L72 22 C72 48 69 66 60 72 C51 66 48 48 48 22 Z',
    extra: 'M60 72 L60 100 M46 102 Q60 97 74 102',
    level: 30, rimY: 22, rimLeft: 48, rimRight: 72, ice: [],
  },
  wine: {
    bowl: 'M34 28 L86 28 C88 56 78 74 60 74 C42 74 32 56 34 28 Z',
    extra: 'M60 74 L60 100 M44 102 Q60 97 76 102',
    level: 46, rimY: 28, rimLeft: 34, rimRight: 86, ice: [],
  },
  mug: {
    bowl: 'M34 42 L80 42 L78 102 L36 102 Z',
    extra: 'M80 54 C97 54 97 86 79 86',
    level: 50, rimY: 42, rimLeft: 34, rimRight: 80, ice: [],
  },
  irish_coffee: {
    bowl: 'M36 28 L84 28 C84 60 76 76 60 76 C44 76 36 60 36 28 Z',
    extra: 'M60 76 L60 96 M46 100 Q60 95 74 100 M84 38 C96 40 95 58 82 60',
    level: 36, rimY: 28, rimLeft: 36, rimRight: 84, ice: [],
  },
  copper_mug: {
    bowl: 'M34 42 L84 42 L82 102 L36 102 Z',
    extra: 'M84 54 C100 54 100 88 83 88',
    level: 46, rimY: 42, rimLeft: 34, rimRight: 84, ice: [[50, 44], [68, 45]], opaque: true,
  },
  hurricane: {
    bowl: 'M42 22 L78 22 C84 38 70 52 72 66 C74 80 80 86 74 96 L46 96 C40 86 46 80 48 66 C50 52 36 38 42 22 Z',
    extra: 'M60 96 L60 100 M46 103 Q60 98 74 103',
    level: 32, rimY: 22, rimLeft: 42, rimRight: 78, ice: [[54, 46], [66, 58], [58, 76]],
  },
  shot: {
    bowl: 'M44 66 L76 66 L73 104 L47 104 Z',
    extra: 'M47 98 L73 98',
    level: 72, rimY: 66, rimLeft: 44, rimRight: 76, ice: [],
  },
};

const GLASS_LINE = 'stroke="#f6f1ff" stroke-opacity=".7" stroke-width="2.2" stroke-linejoin="round" stroke-linecap="round" fill="none"';

function wheel(cx: number, cy: number, peel: string, flesh: string): string {
  const spokes = [0, 60, 120]
    .map((deg) => {
      const rad = (deg * Math.PI) / 180;
      const dx = Math.cos(rad) * 8;
      const dy = Math.sin(rad) * 8;
      return `M${(cx - dx).toFixed(1)} ${(cy - dy).toFixed(1)} L${(cx + dx).toFixed(1)} ${(cy + dy).toFixed(1)}`;
    })
    .join(' ');
  return `<circle cx="${cx}" cy="${cy}" r="11" fill="#${peel}"/><circle cx="${cx}" cy="${cy}" r="8.5" fill="#${flesh}"/><path d="${spokes}" stroke="#${peel}" stroke-opacity=".55" stroke-width="1.2"/>`;
}

function garnishSvg(garnish: Garnish, shape: GlassShape): string {
  const x = shape.rimRight - 2;
  const y = shape.rimY;
  const mid = (shape.rimLeft + shape.rimRight) / 2;
  switch (garnish) {
    case 'none':
      return '';
    case 'lime':
      return wheel(x, y - 2, '5f9e2f', 'cfe98a');
    case 'lemon':
      return wheel(x, y - 2, 'e0b820', 'fbee9c');
    case 'orange':
      return wheel(x, y - 2, 'e8761e', 'ffc27a');
    case 'grapefruit':
      return wheel(x, y - 2, 'e2574f', 'ffb3a6');
    case 'orange_peel':
    case 'lemon_twist': {
      const colour = garnish === 'orange_peel' ? 'f08a24' : 'f2d23a';
      return `<path d="M${x - 10} ${y - 10} C${x - 2} ${y - 16} ${x + 8} ${y - 8} ${x} ${y} C${x - 6} ${y + 6} ${x + 2} ${y + 14} ${x + 8} ${y + 12}" stroke="#${colour}" stroke-width="4.5" stroke-linecap="round" fill="none"/>`;
    }
    case 'cherry':
      return `<path d="M${mid + 4} ${y - 2} C${mid + 6} ${y - 14} ${mid + 14} ${y - 18} ${mid + 18} ${y - 20}" stroke="#6b8e23" stroke-width="1.8" fill="none"/><circle cx="${mid + 2}" cy="${y + 2}" r="6.5" fill="#c0102a"/><circle cx="${mid}" cy="${y}" r="1.8" fill="#ff8fa0"/>`;
    case 'mint':
      return [[-12, -30], [0, -8], [12, 26]]
        .map(([dx, angle]) => `<ellipse cx="${x - 8 + dx! / 2}" cy="${y - 8}" rx="4.5" ry="9" transform="rotate(${angle} ${x - 8 + dx! / 2} ${y - 8})" fill="#3f9e4a" stroke="#8fd18a" stroke-width=".8"/>`)
        .join('');
    case 'coffee_beans':
      return [-8, 0, 8]
        .map((dx) => `<ellipse cx="${mid + dx}" cy="${shape.level - 1}" rx="3.4" ry="2.4" fill="#3a2010"/><path d="M${mid + dx - 2.4} ${shape.level - 1} L${mid + dx + 2.4} ${shape.level - 1}" stroke="#a0703c" stroke-width=".8"/>`)
        .join('');
    case 'cinnamon':
      return `<path d="M${x - 12} ${y + 16} L${x + 6} ${y - 18}" stroke="#8b4a1c" stroke-width="5" stroke-linecap="round"/><path d="M${x - 12} ${y + 16} L${x + 6} ${y - 18}" stroke="#c27a3a" stroke-width="1.4" stroke-linecap="round"/>`;
    case 'nutmeg':
      return [-9, -4, 2, 7, 11]
        .map((dx, i) => `<circle cx="${mid + dx}" cy="${shape.level + (i % 2 ? 1.5 : -0.5)}" r="1.2" fill="#7a4a22"/>`)
        .join('');
    case 'celery':
      return `<path d="M${x - 10} ${y + 22} L${x + 4} ${y - 20}" stroke="#7cbf4a" stroke-width="5" stroke-linecap="round"/><path d="M${x + 4} ${y - 20} l-6 -6 M${x + 4} ${y - 20} l6 -5 M${x + 4} ${y - 20} l0 -8" stroke="#5fa336" stroke-width="3" stroke-linecap="round"/>`;
    case 'cucumber':
      return `<path d="M${shape.rimLeft + 8} ${shape.level + 4} Q${mid} ${shape.level + 14} ${shape.rimRight - 8} ${shape.level + 4} Q${mid} ${shape.level + 24} ${shape.rimLeft + 10} ${shape.level + 30}" stroke="#a8d890" stroke-width="4" fill="none" stroke-opacity=".85"/>`;
    case 'rosemary': {
      const needles = [0, 1, 2, 3, 4]
        .map((i) => `M${x - 6 + i * 2.6} ${y - 4 - i * 4} l-4 -2 M${x - 6 + i * 2.6} ${y - 4 - i * 4} l4 -1`)
        .join(' ');
      return `<path d="M${x - 8} ${y + 2} L${x + 6} ${y - 24}" stroke="#3f6b35" stroke-width="2"/><path d="${needles}" stroke="#5f9a4f" stroke-width="1.6" stroke-linecap="round"/>`;
    }
    case 'berry':
      return [[0, 0], [5, -3], [4, 3], [-2, -5]]
        .map(([dx, dy]) => `<circle cx="${x - 4 + dx!}" cy="${y - 4 + dy!}" r="3.6" fill="#4a1035" stroke="#a0406e" stroke-width=".8"/>`)
        .join('');
    case 'apple':
      return `<path d="M${x - 11} ${y - 2} A11 11 0 0 1 ${x + 11} ${y - 2} Z" fill="#f5e7b0" stroke="#c0282a" stroke-width="2.4"/><circle cx="${x - 3}" cy="${y - 6}" r="1" fill="#5a3a1a"/><circle cx="${x + 3}" cy="${y - 6}" r="1" fill="#5a3a1a"/>`;
  }
}

export function renderIllustration(spec: IllustrationSpec): string {
  const shape = SHAPES[spec.glass];
  const mid = (shape.rimLeft + shape.rimRight) / 2;
  const parts: string[] = [];
  parts.push(
    `<defs><radialGradient id="g" cx=".5" cy=".58" r=".6"><stop offset="0" stop-color="#${spec.top}" stop-opacity=".34"/><stop offset="1" stop-color="#231d2f" stop-opacity="0"/></radialGradient>` +
      `<linearGradient id="l" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#${spec.top}"/><stop offset="1" stop-color="#${spec.bottom}"/></linearGradient>` +
      (shape.opaque ? `<linearGradient id="c" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#8a3f1c"/><stop offset=".45" stop-color="#e39a62"/><stop offset="1" stop-color="#7a3416"/></linearGradient>` : '') +
      `<clipPath id="b"><path d="${shape.bowl}"/></clipPath></defs>`,
  );
  parts.push('<rect width="120" height="120" fill="#231d2f"/><rect width="120" height="120" fill="url(#g)"/>');
  if (spec.steam) {
    parts.push(
      [-10, 0, 10]
        .map((dx) => `<path d="M${mid + dx} ${shape.rimY - 6} c-5 -5 5 -9 0 -14 c-5 -5 5 -9 0 -13" stroke="#f6f1ff" stroke-opacity=".35" stroke-width="2" fill="none" stroke-linecap="round"/>`)
        .join(''),
    );
  }
  if (shape.opaque) {
    parts.push(`<path d="${shape.bowl}" fill="url(#c)"/>`);
    parts.push(`<ellipse cx="${mid}" cy="${shape.rimY + 2}" rx="${(shape.rimRight - shape.rimLeft) / 2 - 2}" ry="3.5" fill="url(#l)"/>`);
    if (spec.ice) for (const [cx] of shape.ice) parts.push(`<rect x="${cx - 5}" y="${shape.rimY - 3}" width="10" height="7" rx="2" fill="#fff" fill-opacity=".35" stroke="#fff" stroke-opacity=".6"/>`);
  } else {
    const inside: string[] = [];
    inside.push(`<rect x="0" y="${shape.level}" width="120" height="${120 - shape.level}" fill="url(#l)"/>`);
    inside.push(`<rect x="0" y="${shape.level}" width="120" height="2" fill="#fff" fill-opacity=".28"/>`);
    if (spec.foam) inside.push(`<rect x="0" y="${shape.level}" width="120" height="7" fill="#efe3c6"/>`);
    if (spec.bubbles) {
      for (const [dx, dy] of [[-8, 14], [4, 24], [-2, 34], [9, 40], [-10, 48], [3, 56]]) {
        inside.push(`<circle cx="${mid + dx!}" cy="${shape.level + dy!}" r="1.3" fill="#fff" fill-opacity=".55"/>`);
      }
    }
    if (spec.ice) {
      for (const [cx, cy] of shape.ice) {
        inside.push(`<rect x="${cx - 7}" y="${cy - 7}" width="14" height="14" rx="3" transform="rotate(${(cx * 7) % 24 - 12} ${cx} ${cy})" fill="#fff" fill-opacity=".22" stroke="#fff" stroke-opacity=".5"/>`);
      }
    }
    parts.push(`<g clip-path="url(#b)">${inside.join('')}</g>`);
    // A highlight on the glass, so it reads as glass.
    parts.push(`<path d="M${shape.rimLeft + 6} ${shape.rimY + 6} L${shape.rimLeft + 8} ${shape.rimY + 22}" stroke="#fff" stroke-opacity=".35" stroke-width="2.4" stroke-linecap="round"/>`);
  }
  parts.push(`<path d="${shape.bowl}" ${GLASS_LINE}/>`);
  if (shape.extra) parts.push(`<path d="${shape.extra}" ${GLASS_LINE}/>`);
  if (spec.salt) parts.push(`<path d="M${shape.rimLeft} ${shape.rimY} L${shape.rimRight} ${shape.rimY}" stroke="#fff" stroke-width="3.2" stroke-dasharray="1.4 1.8" stroke-linecap="round"/>`);
  parts.push(garnishSvg(spec.garnish, shape));
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" width="400" height="400">${parts.join('')}</svg>`;
}

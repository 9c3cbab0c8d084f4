import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { AppError } from '../http/errors.ts';
import { IMAGE_WIDTHS } from './menu.repository.ts';

const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp']);
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

export interface ResizedImage {
  hash: string;
  versions: { width: number; data: Buffer }[];
}

const unsupported = () =>
  new AppError(415, 'unsupported_image', 'Send a JPEG, PNG or WebP image of at most 8 MiB.');

/**
 * Checks the bytes (not the content-type header) and makes WebP versions at each width.
 * A pixel limit keeps a small file that decodes to a gigantic bitmap from eating memory.
 */
export async function processImage(bytes: Buffer): Promise<ResizedImage> {
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: 40_000_000 }).metadata()).format;
  } catch {
    throw unsupported();
  }
  if (!format || !ACCEPTED_FORMATS.has(format)) throw unsupported();
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  try {
    const versions = await Promise.all(
      IMAGE_WIDTHS.map(async (width) => ({
        width,
        data: await sharp(bytes, { limitInputPixels: 40_000_000 })
          .rotate()
          .resize({ width, height: width, fit: 'cover', withoutEnlargement: false })
          .webp({ quality: 78 })
          .toBuffer(),
      })),
    );
    return { hash, versions };
  } catch {
    throw unsupported();
  }
}

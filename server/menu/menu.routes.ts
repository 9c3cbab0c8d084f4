import express, { Router, type Request, type Response } from 'express';
import {
  createDrinkBody,
  createSectionBody,
  drinksQuery,
  updateDrinkBody,
  updateSectionBody,
} from '../../shared/schemas/menu.ts';
import type { AppContext } from '../context.ts';
import { AppError, notFound } from '../http/errors.ts';
import { parse, pathId } from '../http/validate.ts';
import { IMAGE_WIDTHS } from './menu.repository.ts';
import { MAX_IMAGE_BYTES } from './images.ts';
import type { CachedBody } from './menu.service.ts';
import { menuAnswer } from './menu-answer.ts';
import { parseIllustrationFile } from '../../shared/illustration/spec.ts';
import { renderIllustration } from '../../shared/illustration/render.ts';

function sendCached(req: Request, res: Response, cached: CachedBody): void {
  const answer = menuAnswer(cached, req.headers);
  res.status(answer.status).set(answer.headers as Record<string, string>);
  res.end(answer.body);
}

/** The guests' menu reads: the busiest endpoints, answered from memory before any body parsing. */
export function publicMenuRoutes(ctx: AppContext): Router {
  const router = Router();
  const { menu } = ctx;

  router.get('/api/sections', async (req, res) => {
    sendCached(req, res, menu.peekPublicSections() ?? (await menu.publicSections()));
  });

  router.get('/api/drinks', async (req, res) => {
    const sectionId = parse(drinksQuery, req.query).section_id;
    sendCached(req, res, menu.peekPublicDrinks(sectionId) ?? (await menu.publicDrinks(sectionId)));
  });

  router.get('/api/drinks/:id', async (req, res) => {
    res.json({ drink: await menu.publicDrink(pathId(req.params.id, 'drink')) });
  });

  return router;
}

export function menuRoutes(ctx: AppContext): Router {
  const router = Router();
  const { menu, auth } = ctx;

  router.get('/api/admin/drinks', auth.staff, async (_req, res) => {
    res.json({ drinks: await menu.listAllDrinks() });
  });

  router.post('/api/admin/drinks', auth.admin, async (req, res) => {
    res.status(201).json({ drink: await menu.createDrink(parse(createDrinkBody, req.body)) });
  });

  router.put('/api/admin/drinks/:id', auth.admin, async (req, res) => {
    const id = pathId(req.params.id, 'drink');
    res.json({ drink: await menu.updateDrink(id, parse(updateDrinkBody, req.body)) });
  });

  router.delete('/api/admin/drinks/:id', auth.admin, async (req, res) => {
    await menu.deleteDrink(pathId(req.params.id, 'drink'));
    res.status(204).end();
  });

  router.get('/api/admin/sections', auth.admin, async (_req, res) => {
    res.json({ sections: await menu.listSections() });
  });

  router.post('/api/admin/sections', auth.admin, async (req, res) => {
    res.status(201).json({ section: await menu.createSection(parse(createSectionBody, req.body)) });
  });

  router.put('/api/admin/sections/:id', auth.admin, async (req, res) => {
    const id = pathId(req.params.id, 'section');
    res.json({ section: await menu.updateSection(id, parse(updateSectionBody, req.body)) });
  });

  router.delete('/api/admin/sections/:id', auth.admin, async (req, res) => {
    await menu.deleteSection(pathId(req.params.id, 'section'));
    res.status(204).end();
  });

  return router;
}

/**
 * Drink images: uploads as raw bytes (mounted before the API's JSON-only body rule), and
 * serving by content hash, where the URL changes when the image does, so caching is for ever.
 */
export function imageRoutes(ctx: AppContext): Router {
  const router = Router();

  router.put(
    '/api/admin/drinks/:id/image',
    ctx.auth.admin,
    (req, _res, next) => {
      if (!req.is(['image/jpeg', 'image/png', 'image/webp'])) {
        return next(new AppError(415, 'unsupported_image', 'Send a JPEG, PNG or WebP image of at most 8 MiB.'));
      }
      next();
    },
    express.raw({ type: ['image/jpeg', 'image/png', 'image/webp'], limit: MAX_IMAGE_BYTES }),
    async (req, res) => {
      const id = pathId(req.params.id, 'drink');
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new AppError(415, 'unsupported_image', 'The image is empty.');
      }
      res.json({ drink: await ctx.menu.setDrinkImage(id, req.body) });
    },
  );

  // A drink's drawing: the file name is the whole spec, so this needs no database and the
  // answer never changes (a changed drink gets another name).
  router.get('/images/drawn/:file', (req, res) => {
    const spec = parseIllustrationFile(req.params.file);
    if (!spec) throw notFound('image');
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('image/svg+xml').send(renderIllustration(spec));
  });

  const widths = new Set<number>(IMAGE_WIDTHS);
  router.get('/images/:file', async (req, res) => {
    const match = /^([0-9a-f]{32})-(\d{2,4})\.webp$/.exec(req.params.file);
    if (!match || !widths.has(Number(match[2]))) throw notFound('image');
    const data = await ctx.menu.image(match[1]!, Number(match[2]));
    if (!data) throw notFound('image');
    res.set('Cache-Control', 'public, max-age=31536000, immutable');
    res.type('image/webp').send(data);
  });
  return router;
}

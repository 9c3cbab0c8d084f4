import { randomUUID } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { Deps } from '../context.ts';
import { checkEvents } from './broker.ts';
import { mayPublish, parseChannel, tokenFrom } from './channels.ts';

// Five events of 240 KB each, JSON-escaped, with room for the envelope.
const BODY_LIMIT = '2mb';
const ALLOWED_HEADERS = 'content-type, authorization, x-api-key, x-amz-user-agent, x-amz-date, x-amz-security-token';

/**
 * AppSync answers errors as `{"errors":[{errorType, message}]}`, which is what the Amplify
 * client parses; this endpoint therefore speaks that shape instead of barback's envelope.
 */
function appSyncError(res: Response, status: number, errorType: string, message: string): void {
  res.status(status).json({ errors: [{ errorType, message }] });
}

/**
 * The token travels in a header, never a cookie, so any origin may call: CORS here only has
 * to let the browser send the headers Amplify adds.
 */
const cors: RequestHandler = (_req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Who is publishing is settled from the headers, before a byte of the body (up to 2 MB) is
 * read: an anonymous or guest sender is refused at once, and the connection closes rather
 * than have the server read the rest of the body only to throw it away.
 */
function authorizePublisher(ctx: Deps<'auth'>): RequestHandler {
  return async (req, res, next) => {
    const token = tokenFrom(req.headers);
    const claims = token ? await ctx.auth.verify(token) : null;
    if (claims && mayPublish(claims)) return next();
    res.setHeader('Connection', 'close');
    if (!claims) return appSyncError(res, 401, 'UnauthorizedException', 'The access token is missing, invalid or expired.');
    appSyncError(res, 403, 'UnauthorizedException', 'This account may not publish.');
  };
}

/** POST /event: AppSync Events' HTTP publish. */
export function httpPublishRoutes(ctx: Deps<'auth' | 'events'>): Router {
  const router = Router();
  router.options('/event', cors, (_req, res) => {
    res.status(204).end();
  });
  router.post('/event', cors, authorizePublisher(ctx), express.text({ type: () => true, limit: BODY_LIMIT }), (req, res) => {
    let body: unknown;
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '');
    } catch {
      return appSyncError(res, 400, 'BadRequestException', 'The body must be JSON: {"channel","events":[…]}.');
    }
    const { channel: rawChannel, events: rawEvents } = (body ?? {}) as { channel?: unknown; events?: unknown };
    const channel = parseChannel(rawChannel, false);
    if (!channel) return appSyncError(res, 400, 'BadRequestException', 'Invalid channel.');
    const events = checkEvents(rawEvents);
    if ('problem' in events) return appSyncError(res, 400, 'BadRequestException', events.problem);
    ctx.events.publishClientEvents(channel.path, events);
    res.json({ successful: events.map((_, index) => ({ identifier: randomUUID(), index })), failed: [] });
  });
  const bodyErrors: ErrorRequestHandler = (error: { type?: string }, req, res, next) => {
    if (req.path !== '/event') return next(error);
    if (error.type === 'entity.too.large') return appSyncError(res, 413, 'BadRequestException', 'The request body is too large.');
    appSyncError(res, 400, 'BadRequestException', 'The request body could not be read.');
  };
  router.use(bodyErrors);
  return router;
}

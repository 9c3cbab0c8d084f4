import { Router, type Response } from 'express';
import { assistantSettingsBody, chatRequestSchema, type ChatStreamEvent } from '../../shared/schemas/assistant.ts';
import type { Deps } from '../context.ts';
import { parse } from '../http/validate.ts';
import type { ChatSink } from './assistant.service.ts';

/** Server-sent events, opened only when the first event is ready: until then errors are plain JSON. */
function eventStream(res: Response): ChatSink & { end(): void } {
  let started = false;
  return {
    get started() {
      return started;
    },
    send(event: ChatStreamEvent) {
      if (res.writableEnded) return;
      if (!started) {
        started = true;
        res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
        res.flushHeaders();
      }
      res.write(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    end() {
      if (!res.writableEnded) res.end();
    },
  };
}

/** The AI bartender (POST /api/assistant/chat) and the host's switch (/api/admin/assistant). */
export function assistantRoutes(ctx: Deps<'auth' | 'assistant'>): Router {
  const router = Router();
  const { auth, assistant } = ctx;

  router.post('/api/assistant/chat', auth.guest, async (req, res) => {
    const { user_key: userKey } = auth.guestClaims(req);
    const body = parse(chatRequestSchema, req.body);
    // The guest closing the app cancels the model call.
    const cancel = new AbortController();
    res.on('close', () => cancel.abort());
    const stream = eventStream(res);
    await assistant.chat(userKey, body, stream, cancel.signal);
    stream.end();
  });

  router.get('/api/admin/assistant', auth.admin, async (_req, res) => {
    res.json({ assistant: await assistant.status() });
  });

  router.put('/api/admin/assistant', auth.admin, async (req, res) => {
    const { enabled } = parse(assistantSettingsBody, req.body);
    res.json({ assistant: await assistant.setEnabled(enabled) });
  });

  return router;
}

import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { notFoundCode, type ErrorCode, type NotFoundThing } from '../../shared/schemas/errors.ts';
import type { Logger } from '../logger.ts';

/** The one way a service says "no": a status, a snake_case code and a human message. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (thing: NotFoundThing) => new AppError(404, notFoundCode(thing), `No such ${thing.replace(/_/g, ' ')}.`);
export const unauthorized = () => new AppError(401, 'unauthorized', 'Sign in again: the access token is missing, invalid or expired.');
export const forbidden = () => new AppError(403, 'forbidden', 'This account may not do that.');

function envelope(code: ErrorCode, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/**
 * The envelope as a whole HTTP/1.1 answer, for sockets Express never sees (requests Node
 * could not parse, refused connections and WebSocket upgrades). The connection closes after it.
 */
export function rawErrorAnswer(status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): string {
  const body = JSON.stringify(envelope(code, message));
  const extra = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\n${extra}Connection: close\r\n\r\n${body}`
  );
}

export const unknownApiPath: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'not_found', `No endpoint ${req.method} ${req.path}.`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** Turns everything thrown into the error envelope; nothing else builds error answers. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    if (error instanceof AppError) {
      if (error.headers) res.set(error.headers);
      res.status(error.status).json(envelope(error.code, error.message, error.details));
      return;
    }
    const parserError = error as BodyParserError;
    switch (parserError?.type) {
      case 'entity.too.large':
        res.status(413).json(envelope('payload_too_large', 'The request body is too large.'));
        return;
      case 'entity.parse.failed':
        res.status(400).json(envelope('invalid_json', 'The request body is not valid JSON.'));
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        res.status(415).json(envelope('unsupported_media_type', 'Send the body as UTF-8 JSON.'));
        return;
      case 'request.aborted':
        res.status(400).json(envelope('request_aborted', 'The request was aborted.'));
        return;
    }
    const status = parserError?.status ?? parserError?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json(envelope('bad_request', 'The request could not be read.'));
      return;
    }
    if (isDatabaseUnavailable(error)) {
      res.status(503).set('Retry-After', '2').json(envelope('service_unavailable', 'The database is unreachable; try again shortly.'));
      return;
    }
    logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(envelope('internal_error', 'Something went wrong on the server.'));
  };
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

function isDatabaseUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  const message = String((error as { message?: unknown }).message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

import type { z } from 'zod';
import type { ErrorCode, NotFoundThing } from '../../shared/schemas/errors.ts';
import { AppError, notFound } from './errors.ts';

/** Parses a body, query or params object; anything off is 400 validation_failed with the issues. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, code: ErrorCode = 'validation_failed'): z.output<S> {
  if (code === 'validation_failed' && (input === null || typeof input !== 'object' || Array.isArray(input))) {
    throw new AppError(400, 'validation_failed', 'The body must be a JSON object.');
  }
  const result = schema.safeParse(input);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    const first = details[0];
    const message = first ? `${first.path || 'body'}: ${first.message}` : 'The request is not valid.';
    throw new AppError(400, code, message, details);
  }
  return result.data;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID_RE.test(value);
}

/** A path id: anything that is not a UUID is simply not found (never a database error). */
export function pathId(value: unknown, thing: NotFoundThing): string {
  if (!isUuid(value)) throw notFound(thing);
  return value.toLowerCase();
}

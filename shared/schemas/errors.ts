import { z } from 'zod';

/**
 * Every `error.code` barback answers with, and its HTTP status. The server's AppError accepts
 * only these, the client's ApiError carries them, and docs/API.md lists them: adding a code is
 * one line here.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  bad_request: 400,
  request_aborted: 400,
  invalid_username: 400,
  invalid_cursor: 400,
  invalid_subscription: 400,
  conversation_too_long: 400,
  invalid_options: 400,
  invalid_name: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  invalid_setup_token: 401,
  invalid_registration_code: 401,
  invalid_refresh_token: 401,
  invalid_transfer_code: 401,
  invalid_staff_pass: 401,
  forbidden: 403,
  not_found: 404,
  drink_not_found: 404,
  section_not_found: 404,
  order_not_found: 404,
  registration_code_not_found: 404,
  guest_not_found: 404,
  image_not_found: 404,
  ingredient_not_found: 404,
  staff_pass_not_found: 404,
  staff_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  idempotency_conflict: 409,
  drink_unavailable: 409,
  too_many_active_orders: 409,
  invalid_transition: 409,
  section_not_empty: 409,
  bar_closed: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unsupported_image: 415,
  rate_limited: 429,
  too_many_connections: 429,
  headers_too_large: 431,
  internal_error: 500,
  service_unavailable: 503,
  server_busy: 503,
  transfer_code_unavailable: 503,
  assistant_not_configured: 503,
  assistant_off: 503,
  assistant_unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
const errorCode = z.enum(ERROR_CODES);

/** What a path id names; an unknown or malformed one is 404 `<thing>_not_found`. */
export type NotFoundThing = 'drink' | 'section' | 'order' | 'registration_code' | 'guest' | 'image' | 'staff_pass' | 'staff';
export const notFoundCode = <T extends NotFoundThing>(thing: T) => `${thing}_not_found` as const satisfies ErrorCode;

/** The error envelope every failing answer carries. */
export const errorEnvelope = z.strictObject({
  error: z.strictObject({ code: errorCode, message: z.string(), details: z.unknown().optional() }),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelope>;

/** `details` of a 400 validation answer: one entry per problem. */
export const validationDetails = z.array(z.strictObject({ path: z.string(), message: z.string() }));

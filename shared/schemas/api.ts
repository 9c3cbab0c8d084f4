import { z } from 'zod';
import { adminLoginBody, adminPasswordChangeBody, adminPasswordResetBody, adminSetupBody, tokenResponse } from './admin.ts';
import { httpsStatus } from './https.ts';
import { ingredientResponse, ingredientsResponse, setIngredientBody } from './menu-facts.ts';
import { listedDrinkSchema, drinkWithRecipeSchema, drinksQuery, createDrinkBody, createSectionBody, sectionSchema, updateDrinkBody, updateSectionBody } from './menu.ts';
import {
  adminOrderResponse,
  adminOrdersQuery,
  adminOrdersResponse,
  createOrderBody,
  createWalkupOrderBody,
  orderResponse,
  ordersQuery,
  ordersResponse,
  queueResponse,
  updateOrderStatusBody,
} from './orders.ts';
import { adminGuest, createRegistrationCodeBody, guestUser, refreshResponse, refreshTokenBody, registerBody, registerResponse, registrationCode } from './guests.ts';
import { deletePushSubscriptionBody, pushSubscriptionBody } from './push.ts';
import { transferBody, transferCodeResponse, transferResponse } from './transfer.ts';
import { assistantSettingsBody, assistantStatusSchema, chatRequestSchema } from './assistant.ts';
import { barResponse, updateBarBody } from './bar.ts';
import { createStaffPassBody, staffJoinBody, staffJoinResponse, staffMemberSchema, staffPassSchema } from './staff.ts';

/**
 * Every HTTP route barback mounts, with its request body and its answers by status: the one
 * contract the server validates with, the client types its calls from, the tests parse every
 * answer with, and docs/API.md lists (test/server/api-doc.test.ts keeps them equal).
 * Error answers are not listed: every route may answer the error envelope (./errors.ts).
 */

/** A successful answer that is not JSON: its content type. */
export interface NotJson {
  content_type: string;
}
/** 204 and 304: no body at all. */
const noBody = null;
type Answer = z.ZodType | NotJson | typeof noBody;

interface RouteContract {
  body?: z.ZodType;
  query?: z.ZodType;
  /** Answers by status (success and documented non-error statuses only). */
  answers: Partial<Record<number, Answer>>;
}

const healthResponse = z.strictObject({ status: z.enum(['ok', 'degraded']), database: z.enum(['postgres', 'embedded']) });
const configResponse = z.strictObject({
  events: z.strictObject({ endpoint: z.string(), region: z.string(), defaultAuthMode: z.literal('lambda') }),
  push: z.strictObject({ vapid_public_key: z.string() }).optional(),
  /** The AI bartender chat: a model is configured and the host has it on. */
  chat: z.boolean(),
});
const assistantResponse = z.strictObject({ assistant: assistantStatusSchema });
const jwksResponse = z.strictObject({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string(), alg: z.string() })) });
const sectionsResponse = z.strictObject({ sections: z.array(sectionSchema) });
const drinksResponse = z.strictObject({ drinks: z.array(listedDrinkSchema) });
const drinkResponse = z.strictObject({ drink: drinkWithRecipeSchema });
const adminDrinksResponse = z.strictObject({ drinks: z.array(drinkWithRecipeSchema) });
const sectionResponse = z.strictObject({ section: sectionSchema });
const meResponse = z.strictObject({ user: guestUser });
const codesResponse = z.strictObject({ codes: z.array(registrationCode) });
const guestsResponse = z.strictObject({ guests: z.array(adminGuest) });
const guestResponse = z.strictObject({ guest: adminGuest });
const setupNeededResponse = z.strictObject({ setup_needed: z.boolean() });
const resetLinkResponse = z.strictObject({ valid: z.boolean() });
const staffPassesResponse = z.strictObject({ passes: z.array(staffPassSchema) });
const staffListResponse = z.strictObject({ staff: z.array(staffMemberSchema) });
const staffMemberResponse = z.strictObject({ staff: staffMemberSchema });
const pushStatusResponse = z.union([
  z.strictObject({ available: z.literal(true) }),
  z.strictObject({ available: z.literal(false), reason: z.string() }),
]);
const pushSubscribedResponse = z.strictObject({ endpoint: z.string() });
/** POST /event answers in AppSync's shape, not barback's envelope. */
const publishResponse = z.strictObject({
  successful: z.array(z.strictObject({ identifier: z.string(), index: z.number().int() })),
  failed: z.array(z.strictObject({ identifier: z.string(), index: z.number().int(), code: z.string().optional(), message: z.string().optional() })),
});
export const appSyncErrorResponse = z.strictObject({ errors: z.array(z.strictObject({ errorType: z.string(), message: z.string() })) });

export const API = {
  'GET /api/health': { answers: { 200: healthResponse, 503: healthResponse } },
  'GET /api/config': { answers: { 200: configResponse } },
  'GET /.well-known/jwks.json': { answers: { 200: jwksResponse } },

  'GET /api/sections': { answers: { 200: sectionsResponse, 304: noBody } },
  'GET /api/drinks': { query: drinksQuery, answers: { 200: drinksResponse, 304: noBody } },
  'GET /api/drinks/:id': { answers: { 200: drinkResponse } },
  'GET /images/drawn/:file': { answers: { 200: { content_type: 'image/svg+xml' } } },
  'GET /images/:file': { answers: { 200: { content_type: 'image/webp' } } },

  'POST /api/register': { body: registerBody, answers: { 201: registerResponse } },
  'POST /api/auth/refresh': { body: refreshTokenBody, answers: { 200: refreshResponse } },
  'POST /api/auth/logout': { body: refreshTokenBody, answers: { 204: noBody } },
  'GET /api/me': { answers: { 200: meResponse } },
  'POST /api/auth/transfer-code': { answers: { 201: transferCodeResponse } },
  'POST /api/auth/transfer': { body: transferBody, answers: { 200: transferResponse } },

  'POST /api/orders': { body: createOrderBody, answers: { 200: orderResponse, 201: orderResponse } },
  'GET /api/orders': { query: ordersQuery, answers: { 200: ordersResponse } },
  'GET /api/orders/:id': { answers: { 200: orderResponse } },
  'POST /api/orders/:id/cancel': { answers: { 200: orderResponse } },
  'GET /api/queue': { answers: { 200: queueResponse } },

  'POST /api/push/subscriptions': { body: pushSubscriptionBody, answers: { 200: pushSubscribedResponse, 201: pushSubscribedResponse } },
  'DELETE /api/push/subscriptions': { body: deletePushSubscriptionBody, answers: { 204: noBody } },
  /** Any other method: 405 method_not_allowed. */
  'ALL /api/push/subscriptions': { answers: {} },

  'POST /api/admin/login': { body: adminLoginBody, answers: { 200: tokenResponse } },
  'GET /api/admin/setup': { answers: { 200: setupNeededResponse } },
  'POST /api/admin/setup': { body: adminSetupBody, answers: { 201: tokenResponse } },
  'POST /api/admin/logout': { answers: { 204: noBody } },
  'POST /api/admin/logout-all': { answers: { 204: noBody } },
  'PUT /api/admin/password': { body: adminPasswordChangeBody, answers: { 204: noBody } },
  'GET /api/admin/password-reset': { answers: { 200: resetLinkResponse } },
  'POST /api/admin/password-reset': { body: adminPasswordResetBody, answers: { 200: tokenResponse } },

  'GET /api/admin/orders': { query: adminOrdersQuery, answers: { 200: adminOrdersResponse } },
  /** A walk-up (host or bartender); 200 for a replay of the same id and content. */
  'POST /api/admin/orders': { body: createWalkupOrderBody, answers: { 200: adminOrderResponse, 201: adminOrderResponse } },
  'PATCH /api/admin/orders/:id': { body: updateOrderStatusBody, answers: { 200: adminOrderResponse } },
  'POST /api/admin/orders/:id/call': { answers: { 200: adminOrderResponse } },

  'GET /api/bar': { answers: { 200: barResponse } },
  'PUT /api/admin/bar': { body: updateBarBody, answers: { 200: barResponse } },

  'POST /api/staff/join': { body: staffJoinBody, answers: { 201: staffJoinResponse } },
  'POST /api/admin/staff-passes': { body: createStaffPassBody, answers: { 201: staffPassSchema } },
  'GET /api/admin/staff-passes': { answers: { 200: staffPassesResponse } },
  'DELETE /api/admin/staff-passes/:pass': { answers: { 204: noBody } },
  'GET /api/admin/staff': { answers: { 200: staffListResponse } },
  'POST /api/admin/staff/:staff_key/revoke': { answers: { 200: staffMemberResponse } },

  'GET /api/admin/drinks': { answers: { 200: adminDrinksResponse } },
  'POST /api/admin/drinks': { body: createDrinkBody, answers: { 201: drinkResponse } },
  'PUT /api/admin/drinks/:id': { body: updateDrinkBody, answers: { 200: drinkResponse } },
  'DELETE /api/admin/drinks/:id': { answers: { 204: noBody } },
  'PUT /api/admin/drinks/:id/image': { answers: { 200: drinkResponse } },
  'GET /api/admin/ingredients': { answers: { 200: ingredientsResponse } },
  'PUT /api/admin/ingredients/:name': { body: setIngredientBody, answers: { 200: ingredientResponse } },
  'GET /api/admin/sections': { answers: { 200: sectionsResponse } },
  'POST /api/admin/sections': { body: createSectionBody, answers: { 201: sectionResponse } },
  'PUT /api/admin/sections/:id': { body: updateSectionBody, answers: { 200: sectionResponse } },
  'DELETE /api/admin/sections/:id': { answers: { 204: noBody } },

  'POST /api/admin/registration-codes': { body: createRegistrationCodeBody, answers: { 201: registrationCode } },
  'GET /api/admin/registration-codes': { answers: { 200: codesResponse } },
  'DELETE /api/admin/registration-codes/:code': { answers: { 204: noBody } },
  'GET /api/admin/registration-codes/:code/qr.svg': { answers: { 200: { content_type: 'image/svg+xml' } } },

  'GET /api/admin/guests': { answers: { 200: guestsResponse } },
  'POST /api/admin/guests/:user_key/revoke': { answers: { 200: guestResponse } },

  'GET /api/admin/push': { answers: { 200: pushStatusResponse } },
  'GET /api/admin/https': { answers: { 200: httpsStatus } },

  /** Server-sent events (`delta`, `proposal`, `done`, `error`: shared/schemas/assistant.ts). */
  'POST /api/assistant/chat': { body: chatRequestSchema, answers: { 200: { content_type: 'text/event-stream' } } },
  'GET /api/admin/assistant': { answers: { 200: assistantResponse } },
  'PUT /api/admin/assistant': { body: assistantSettingsBody, answers: { 200: assistantResponse } },

  'POST /event': { answers: { 200: publishResponse } },
  'OPTIONS /event': { answers: { 204: noBody } },
} as const satisfies Record<string, RouteContract>;

export type RouteKey = keyof typeof API;
type Answers<K extends RouteKey> = (typeof API)[K]['answers'];
type JsonOf<A> = A extends z.ZodType ? z.output<A> : A extends null ? undefined : Blob;

/** The successful answer's body of a route (the union over its statuses). */
export type ApiAnswer<K extends RouteKey> = JsonOf<Answers<K>[keyof Answers<K>]>;
/** The body a route takes (what the client sends: the schema's input). */
export type ApiBody<K extends RouteKey> = (typeof API)[K] extends { body: infer B extends z.ZodType } ? z.input<B> : never;

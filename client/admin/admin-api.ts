import { ApiError, requestJson, type RequestOptions } from '../lib/http.ts';
import type { ApiAnswer, ApiBody, RouteKey } from '../../shared/schemas/api.ts';
import type { AdminOrder } from '../../shared/schemas/orders.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { DrinkWithRecipe, Section, CreateDrinkBody, UpdateDrinkBody, UpdateSectionBody } from '../../shared/schemas/menu.ts';
import type { AdminGuest, RegistrationCode } from '../../shared/schemas/guests.ts';
import type { HttpsStatus } from '../../shared/schemas/https.ts';
import type { Bar, UpdateBarBody } from '../../shared/schemas/bar.ts';
import type { StaffMember, StaffPass } from '../../shared/schemas/staff.ts';
import type { AdminTokens } from './admin-session.ts';

export type { AdminOrder, OrderStatus, DrinkWithRecipe, Section, AdminGuest, RegistrationCode, HttpsStatus, Bar, StaffMember, StaffPass };

export type NewCodeInput = ApiBody<'POST /api/admin/registration-codes'>;
export type WalkupInput = ApiBody<'POST /api/admin/orders'>;

interface RouteOptions<K extends RouteKey> extends Omit<RequestOptions, 'method' | 'body'> {
  /** Values for the path's `:name` parts. */
  params?: Record<string, string>;
  query?: string;
  body?: ApiBody<K>;
}

/** The URL of a contract route ('PUT /api/admin/drinks/:id') with its parameters filled in. */
function routePath(key: RouteKey, params: Record<string, string> = {}, query?: string): string {
  const path = key.slice(key.indexOf(' ') + 1).replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? ''));
  return query ? `${path}?${query}` : path;
}

/**
 * A call typed by the shared contract (shared/schemas/api.ts): the body it takes, the answer it
 * gives. It lives here, in the host's lazy chunk; the guest's helpers take the same types
 * without adding code to the guest's first load.
 */
function requestApi<K extends RouteKey>(key: K, options: RouteOptions<K> = {}): Promise<ApiAnswer<K>> {
  const { params, query, ...rest } = options;
  return requestJson<ApiAnswer<K>>(routePath(key, params, query), { ...rest, method: key.slice(0, key.indexOf(' ')) });
}

/** Calls that need no host token: sign-in and the one-time setup link. */
export const publicAdminApi = {
  login: (email: string, password: string) => requestApi('POST /api/admin/login', { body: { email, password } }),
  setupNeeded: () => requestApi('GET /api/admin/setup'),
  setup: (token: string, email: string, password: string) => requestApi('POST /api/admin/setup', { body: { token, email, password } }),
  /** Whether a /setup link is a live password-reset link (printed by `npm run host -- reset-password`). */
  resetLinkValid: (token: string) =>
    requestApi('GET /api/admin/password-reset', { query: `token=${encodeURIComponent(token)}` }).then((r) => r.valid),
  resetPassword: (token: string, newPassword: string) =>
    requestApi('POST /api/admin/password-reset', { body: { token, new_password: newPassword } }),
};

/**
 * Every host call, bound to one signed-in board's tokens. A 401 `unauthorized` means the token
 * expired or was revoked: a helper's (staff pass) is renewed once and the call tried again;
 * when that is refused too (revoked, signed out elsewhere, a new password), `onUnauthorized`
 * signs the board out instead of leaving it silently failing. (A wrong current password is a
 * 401 too, but `invalid_credentials`: the session is fine.)
 */
export function createAdminApi(tokens: AdminTokens, onUnauthorized: () => void) {
  const refused = (error: unknown) => error instanceof ApiError && error.status === 401 && error.code === 'unauthorized';
  async function call<K extends RouteKey>(key: K, options: RouteOptions<K> = {}): Promise<ApiAnswer<K>> {
    const token = tokens.accessToken;
    try {
      return await requestApi(key, { ...options, token });
    } catch (error) {
      if (!refused(error)) throw error;
      const renewed = await tokens.renew(token);
      if (!renewed) {
        onUnauthorized();
        throw error;
      }
      try {
        return await requestApi(key, { ...options, token: renewed });
      } catch (again) {
        if (refused(again)) onUnauthorized();
        throw again;
      }
    }
  }
  const id = (value: string) => ({ id: value });
  return {
    /** The token for a live subscription, renewed first when due; undefined once the session is over. */
    async liveToken(): Promise<string | undefined> {
      const token = await tokens.current();
      if (token === undefined) onUnauthorized();
      return token;
    },
    orders: (statuses?: readonly OrderStatus[]) =>
      call('GET /api/admin/orders', statuses ? { query: `status=${statuses.join(',')}` } : {}).then((r) => r.orders),
    /** A walk-up (someone without a phone); the same `id` again is the same order. */
    placeWalkup: (body: WalkupInput) => call('POST /api/admin/orders', { body }).then((r) => r.order),
    setOrderStatus: (orderId: string, status: OrderStatus) =>
      call('PATCH /api/admin/orders/:id', { params: id(orderId), body: { status } }).then((r) => r.order),
    callOrder: (orderId: string) => call('POST /api/admin/orders/:id/call', { params: id(orderId) }).then((r) => r.order),
    bar: () => call('GET /api/bar').then((r) => r.bar),
    setBar: (body: UpdateBarBody) => call('PUT /api/admin/bar', { body }).then((r) => r.bar),
    staffPasses: () => call('GET /api/admin/staff-passes').then((r) => r.passes),
    createStaffPass: (body: ApiBody<'POST /api/admin/staff-passes'>) => call('POST /api/admin/staff-passes', { body }),
    revokeStaffPass: (pass: string) => call('DELETE /api/admin/staff-passes/:pass', { params: { pass } }),
    staff: () => call('GET /api/admin/staff').then((r) => r.staff),
    revokeStaff: (staffKey: string) => call('POST /api/admin/staff/:staff_key/revoke', { params: { staff_key: staffKey } }).then((r) => r.staff),

    drinks: () => call('GET /api/admin/drinks').then((r) => r.drinks),
    createDrink: (body: CreateDrinkBody) => call('POST /api/admin/drinks', { body }).then((r) => r.drink),
    updateDrink: (drinkId: string, body: UpdateDrinkBody) =>
      call('PUT /api/admin/drinks/:id', { params: id(drinkId), body }).then((r) => r.drink),
    deleteDrink: (drinkId: string) => call('DELETE /api/admin/drinks/:id', { params: id(drinkId) }),
    ingredients: () => call('GET /api/admin/ingredients').then((r) => r.ingredients),
    setIngredientInStock: (name: string, inStock: boolean) =>
      call('PUT /api/admin/ingredients/:name', { params: { name }, body: { in_stock: inStock } }).then((r) => r.ingredient),

    sections: () => call('GET /api/admin/sections').then((r) => r.sections),
    createSection: (name: string, displayOrder: number) =>
      call('POST /api/admin/sections', { body: { name, display_order: displayOrder } }).then((r) => r.section),
    updateSection: (sectionId: string, body: UpdateSectionBody) =>
      call('PUT /api/admin/sections/:id', { params: id(sectionId), body }).then((r) => r.section),
    deleteSection: (sectionId: string) => call('DELETE /api/admin/sections/:id', { params: id(sectionId) }),

    codes: () => call('GET /api/admin/registration-codes').then((r) => r.codes),
    createCode: (input: NewCodeInput) => call('POST /api/admin/registration-codes', { body: input }),
    revokeCode: (code: string) => call('DELETE /api/admin/registration-codes/:code', { params: { code } }),
    /** The QR as an object URL: an <img> cannot send the Authorization header itself. */
    async codeQrUrl(code: string): Promise<string> {
      const response = await fetch(routePath('GET /api/admin/registration-codes/:code/qr.svg', { code }), {
        headers: { authorization: `Bearer ${tokens.accessToken}` },
      });
      if (response.status === 401) onUnauthorized();
      if (!response.ok) throw new ApiError(response.status, 'http_error', `HTTP ${response.status}`);
      return URL.createObjectURL(await response.blob());
    },

    guests: () => call('GET /api/admin/guests').then((r) => r.guests),
    /** Whether ready notifications can reach guests whose app is closed (Web Push). */
    pushStatus: () => call('GET /api/admin/push'),
    /** Automatic HTTPS: off, getting a certificate, on until…, or failed and why; and the router check. */
    httpsStatus: () => call('GET /api/admin/https'),
    revokeGuest: (userKey: string) => call('POST /api/admin/guests/:user_key/revoke', { params: { user_key: userKey } }),
    /** The AI bartender: the host's live switch, and whether a model is configured. */
    assistant: () => call('GET /api/admin/assistant').then((r) => r.assistant),
    setAssistant: (enabled: boolean) => call('PUT /api/admin/assistant', { body: { enabled } }).then((r) => r.assistant),

    /**
     * Ends this session on the server, not just on this device: the host's token on every
     * instance; a helper's refresh token (their access token lapses within its lifetime).
     */
    logout: () => {
      const refreshToken = tokens.refreshToken;
      return refreshToken ? requestApi('POST /api/auth/logout', { body: { refresh_token: refreshToken } }) : call('POST /api/admin/logout');
    },
    logoutAll: () => call('POST /api/admin/logout-all'),
    changePassword: (currentPassword: string, newPassword: string) =>
      call('PUT /api/admin/password', { body: { current_password: currentPassword, new_password: newPassword } }),

    /**
     * PUT of the raw image bytes through XMLHttpRequest, because fetch reports no upload
     * progress; the file's own content-type tells the server what it claims to be.
     */
    uploadDrinkImage(drinkId: string, file: Blob, onProgress: (fraction: number) => void): Promise<DrinkWithRecipe> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', routePath('PUT /api/admin/drinks/:id/image', id(drinkId)));
        xhr.setRequestHeader('authorization', `Bearer ${tokens.accessToken}`);
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        };
        xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The server could not be reached.'));
        xhr.onload = () => {
          let data: Partial<ApiAnswer<'PUT /api/admin/drinks/:id/image'>> & { error?: { code: ApiError['code']; message: string } } = {};
          try {
            data = JSON.parse(xhr.responseText) as typeof data;
          } catch {
            // a non-JSON answer is reported by status below
          }
          if (xhr.status === 401) onUnauthorized();
          if (xhr.status >= 200 && xhr.status < 300 && data.drink) {
            onProgress(1);
            resolve(data.drink);
          } else {
            reject(new ApiError(xhr.status, data.error?.code ?? 'http_error', data.error?.message ?? `HTTP ${xhr.status}`));
          }
        };
        xhr.send(file);
      });
    },
  };
}

export type AdminApi = ReturnType<typeof createAdminApi>;

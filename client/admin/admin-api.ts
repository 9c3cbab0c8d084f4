import { ApiError, requestJson } from '../lib/http.ts';
import type { AdminOrder } from '../../shared/schemas/orders.ts';
import type { OrderStatus } from '../../shared/order-status.ts';
import type { DrinkWithRecipe, Section, CreateDrinkBody, UpdateDrinkBody, UpdateSectionBody } from '../../shared/schemas/menu.ts';
import type { AdminGuest, RegistrationCode } from '../../shared/schemas/guests.ts';
import type { TokenResponse } from '../../shared/schemas/admin.ts';
import type { HttpsStatus } from '../../shared/schemas/https.ts';
import type { Bar, UpdateBarBody } from '../../shared/schemas/bar.ts';
import type { StaffMember, StaffPass } from '../../shared/schemas/staff.ts';

export type { AdminOrder, OrderStatus, DrinkWithRecipe, Section, AdminGuest, RegistrationCode, HttpsStatus, Bar, StaffMember, StaffPass };

export interface NewCodeInput {
  expires_in_hours: number;
  max_uses: number;
  notes?: string;
}

/** Calls that need no host token: sign-in and the one-time setup link. */
export const publicAdminApi = {
  login: (email: string, password: string) =>
    requestJson<TokenResponse>('/api/admin/login', { method: 'POST', body: { email, password } }),
  setupNeeded: () => requestJson<{ setup_needed: boolean }>('/api/admin/setup'),
  setup: (token: string, email: string, password: string) =>
    requestJson<TokenResponse>('/api/admin/setup', { method: 'POST', body: { token, email, password } }),
  /** Whether a /setup link is a live password-reset link (printed by `npm run host -- reset-password`). */
  resetLinkValid: (token: string) =>
    requestJson<{ valid: boolean }>(`/api/admin/password-reset?token=${encodeURIComponent(token)}`).then((r) => r.valid),
  resetPassword: (token: string, newPassword: string) =>
    requestJson<TokenResponse>('/api/admin/password-reset', { method: 'POST', body: { token, new_password: newPassword } }),
};

/**
 * Every host call, bound to one token. A 401 `unauthorized` means the token expired or was
 * revoked (signed out elsewhere, a new password): `onUnauthorized` signs the host out
 * instead of leaving a board that silently fails. (A wrong current password is a 401 too,
 * but `invalid_credentials`: the session is fine.)
 */
export function createAdminApi(token: string, onUnauthorized: () => void) {
  async function call<T>(path: string, method = 'GET', body?: unknown): Promise<T> {
    try {
      return await requestJson<T>(path, { method, body, token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && error.code === 'unauthorized') onUnauthorized();
      throw error;
    }
  }
  const id = encodeURIComponent;
  return {
    token,
    orders: (statuses?: readonly OrderStatus[]) =>
      call<{ orders: AdminOrder[] }>(`/api/admin/orders${statuses ? `?status=${statuses.join(',')}` : ''}`).then((r) => r.orders),
    setOrderStatus: (orderId: string, status: OrderStatus) =>
      call<{ order: AdminOrder }>(`/api/admin/orders/${id(orderId)}`, 'PATCH', { status }).then((r) => r.order),
    callOrder: (orderId: string) => call<{ order: AdminOrder }>(`/api/admin/orders/${id(orderId)}/call`, 'POST').then((r) => r.order),
    bar: () => call<{ bar: Bar }>('/api/bar').then((r) => r.bar),
    setBar: (body: UpdateBarBody) => call<{ bar: Bar }>('/api/admin/bar', 'PUT', body).then((r) => r.bar),
    staffPasses: () => call<{ passes: StaffPass[] }>('/api/admin/staff-passes').then((r) => r.passes),
    createStaffPass: (body: { expires_in_hours: number; max_uses?: number }) => call<StaffPass>('/api/admin/staff-passes', 'POST', body),
    revokeStaffPass: (pass: string) => call<void>(`/api/admin/staff-passes/${id(pass)}`, 'DELETE'),
    staff: () => call<{ staff: StaffMember[] }>('/api/admin/staff').then((r) => r.staff),
    revokeStaff: (staffKey: string) => call<{ staff: StaffMember }>(`/api/admin/staff/${id(staffKey)}/revoke`, 'POST').then((r) => r.staff),

    drinks: () => call<{ drinks: DrinkWithRecipe[] }>('/api/admin/drinks').then((r) => r.drinks),
    createDrink: (body: CreateDrinkBody) => call<{ drink: DrinkWithRecipe }>('/api/admin/drinks', 'POST', body).then((r) => r.drink),
    updateDrink: (drinkId: string, body: UpdateDrinkBody) =>
      call<{ drink: DrinkWithRecipe }>(`/api/admin/drinks/${id(drinkId)}`, 'PUT', body).then((r) => r.drink),
    deleteDrink: (drinkId: string) => call<void>(`/api/admin/drinks/${id(drinkId)}`, 'DELETE'),

    sections: () => call<{ sections: Section[] }>('/api/admin/sections').then((r) => r.sections),
    createSection: (name: string, displayOrder: number) =>
      call<{ section: Section }>('/api/admin/sections', 'POST', { name, display_order: displayOrder }).then((r) => r.section),
    updateSection: (sectionId: string, body: UpdateSectionBody) =>
      call<{ section: Section }>(`/api/admin/sections/${id(sectionId)}`, 'PUT', body).then((r) => r.section),
    deleteSection: (sectionId: string) => call<void>(`/api/admin/sections/${id(sectionId)}`, 'DELETE'),

    codes: () => call<{ codes: RegistrationCode[] }>('/api/admin/registration-codes').then((r) => r.codes),
    createCode: (input: NewCodeInput) => call<RegistrationCode>('/api/admin/registration-codes', 'POST', input),
    revokeCode: (code: string) => call<void>(`/api/admin/registration-codes/${id(code)}`, 'DELETE'),
    /** The QR as an object URL: an <img> cannot send the Authorization header itself. */
    async codeQrUrl(code: string): Promise<string> {
      const response = await fetch(`/api/admin/registration-codes/${id(code)}/qr.svg`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status === 401) onUnauthorized();
      if (!response.ok) throw new ApiError(response.status, 'qr_failed', `HTTP ${response.status}`);
      return URL.createObjectURL(await response.blob());
    },

    guests: () => call<{ guests: AdminGuest[] }>('/api/admin/guests').then((r) => r.guests),
    /** Whether ready notifications can reach guests whose app is closed (Web Push). */
    pushStatus: () => call<{ available: boolean; reason?: string }>('/api/admin/push'),
    /** Automatic HTTPS: off, getting a certificate, on until…, or failed and why; and the router check. */
    httpsStatus: () => call<HttpsStatus>('/api/admin/https'),
    revokeGuest: (userKey: string) => call<{ guest: AdminGuest }>(`/api/admin/guests/${id(userKey)}/revoke`, 'POST'),

    /** Ends this token on the server (every instance), not just on this device. */
    logout: () => call<void>('/api/admin/logout', 'POST'),
    logoutAll: () => call<void>('/api/admin/logout-all', 'POST'),
    changePassword: (currentPassword: string, newPassword: string) =>
      call<void>('/api/admin/password', 'PUT', { current_password: currentPassword, new_password: newPassword }),

    /**
     * PUT of the raw image bytes through XMLHttpRequest, because fetch reports no upload
     * progress; the file's own content-type tells the server what it claims to be.
     */
    uploadDrinkImage(drinkId: string, file: Blob, onProgress: (fraction: number) => void): Promise<DrinkWithRecipe> {
      return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', `/api/admin/drinks/${id(drinkId)}/image`);
        xhr.setRequestHeader('authorization', `Bearer ${token}`);
        xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
        xhr.upload.onprogress = (event) => {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        };
        xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The server could not be reached.'));
        xhr.onload = () => {
          let data: { drink?: DrinkWithRecipe; error?: { code: string; message: string } } = {};
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

import { z } from 'zod';

/**
 * GET /api/admin/https: the board's HTTPS state. `status`, `domain`, `expires_at`, `reason`
 * and `resolves_to_lan` are the contract; the rest says what barback is doing and what the
 * router check found, so the board can tell the host what to do.
 */
export const httpsStatus = z.strictObject({
  status: z.enum(['off', 'issuing', 'active', 'failed']),
  domain: z.string().nullable(),
  expires_at: z.string().nullable(),
  /** Why HTTPS is not on (failed), or why the last renewal failed while the certificate still serves (active). */
  reason: z.string().nullable(),
  /** Whether the name resolves to the laptop's LAN address from the laptop (the router trap); null before the check. */
  resolves_to_lan: z.boolean().nullable(),
  provider: z.enum(['duckdns', 'cloudflare', 'manual', 'files']).nullable(),
  /** What is happening now, or what the host must do (manual DNS records); null when idle. */
  step: z.string().nullable(),
  renews_at: z.string().nullable(),
  /** https://HTTPS_DOMAIN[:PORT], what join links carry, while a certificate is active. */
  origin: z.string().nullable(),
  lan_address: z.string().nullable(),
  /** What the name resolved to in the router check. */
  resolved_to: z.array(z.string()).nullable(),
});
export type HttpsStatus = z.infer<typeof httpsStatus>;

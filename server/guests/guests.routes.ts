import { Router } from 'express';
import type { Deps } from '../context.ts';
import { guestAdminRoutes } from './guest-admin.routes.ts';
import { guestAuthRoutes } from './guest-auth.routes.ts';
import { registrationCodeRoutes } from './registration-code.routes.ts';
import { transferCodeRoutes } from './transfer-code.routes.ts';

/** The guests domain: invite codes, registration and tokens, and the host's guest list. */
export function guestRoutes(ctx: Deps<'auth' | 'config' | 'guestAuth' | 'guestAdmin' | 'registrationCodes' | 'transferCodes' | 'publicOrigin' | 'staff'>): Router {
  const router = Router();
  router.use(guestAuthRoutes(ctx), transferCodeRoutes(ctx), registrationCodeRoutes(ctx), guestAdminRoutes(ctx));
  return router;
}

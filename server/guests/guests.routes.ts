import { Router } from 'express';
import type { Deps } from '../context.ts';
import { guestAdminRoutes } from './guest-admin.routes.ts';
import { guestAuthRoutes } from './guest-auth.routes.ts';
import { registrationCodeRoutes } from './registration-code.routes.ts';

/** The guests domain: invite codes, registration and tokens, and the host's guest list. */
export function guestRoutes(ctx: Deps<'auth' | 'config' | 'guestAuth' | 'guestAdmin' | 'registrationCodes' | 'publicOrigin' | 'staff'>): Router {
  const router = Router();
  router.use(guestAuthRoutes(ctx), registrationCodeRoutes(ctx), guestAdminRoutes(ctx));
  return router;
}

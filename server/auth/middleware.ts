import type { Request, RequestHandler } from 'express';
import { forbidden, unauthorized } from '../http/errors.ts';
import type { GuestStatusCache } from './guest-status.ts';
import { isRevocable, type TokenRevocations } from './token-revocations.ts';
import type { AccessClaims, AdminClaims, GuestClaims, TokenService } from './tokens.ts';
import type { ChangedBy } from '../../shared/schemas/orders.ts';

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AccessClaims;
  }
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header.trim());
  return match?.[1];
}

export interface AuthGuards {
  /** Any valid access token of an active account. */
  authenticated: RequestHandler;
  guest: RequestHandler;
  admin: RequestHandler;
  /**
   * The host or a bartender (staff pass): the board's work only. Every other /api/admin/*
   * route keeps `admin`, so a bartender is refused there by default.
   */
  staff: RequestHandler;
  /** Claims for an already-authenticated request. */
  claims(req: Request): AccessClaims;
  guestClaims(req: Request): GuestClaims;
  adminClaims(req: Request): AdminClaims;
  /** Who is working, for "who moved this order". */
  staffMember(req: Request): ChangedBy;
  /** Verifies a raw token (no `Bearer`) as the events broker receives it. */
  verify(token: string): Promise<AccessClaims | null>;
}

export function createAuthGuards(tokens: TokenService, guestStatus: GuestStatusCache, revocations: TokenRevocations): AuthGuards {
  async function verify(token: string): Promise<AccessClaims | null> {
    const claims = await tokens.verify(token);
    if (!claims) return null;
    if (claims.role === 'guest' && !(await guestStatus.isActive(claims.user_key))) return null;
    if (isRevocable(claims) && (await revocations.isRevoked(claims))) return null;
    return claims;
  }

  function guard(roles: readonly AccessClaims['role'][] | undefined): RequestHandler {
    return async (req, _res, next) => {
      const token = bearerToken(req);
      const claims = token ? await verify(token) : null;
      if (!claims) return next(unauthorized());
      if (roles && !roles.includes(claims.role)) return next(forbidden());
      req.auth = claims;
      next();
    };
  }

  function claims(req: Request): AccessClaims {
    if (!req.auth) throw unauthorized();
    return req.auth;
  }

  return {
    authenticated: guard(undefined),
    guest: guard(['guest']),
    admin: guard(['admin']),
    staff: guard(['admin', 'bartender']),
    claims,
    guestClaims(req) {
      const c = claims(req);
      if (c.role !== 'guest') throw forbidden();
      return c;
    },
    adminClaims(req) {
      const c = claims(req);
      if (c.role !== 'admin') throw forbidden();
      return c;
    },
    staffMember(req) {
      const c: AccessClaims = claims(req);
      if (c.role === 'admin') return { role: 'admin', name: c.email };
      if (c.role === 'bartender') return { role: 'bartender', name: c.name };
      throw forbidden();
    },
    verify,
  };
}

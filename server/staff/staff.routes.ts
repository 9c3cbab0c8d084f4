import { Router } from 'express';
import { z } from 'zod';
import { createStaffPassBody, staffJoinBody, staffName } from '../../shared/schemas/staff.ts';
import type { Deps } from '../context.ts';
import { clientAddress } from '../http/client-address.ts';
import { RateLimiter, failsWith } from '../http/rate-limit.ts';
import { parse, pathId } from '../http/validate.ts';
import { invalidStaffPass } from './staff.service.ts';

const PASS_FAILURES_PER_MINUTE = 10;
const PASS_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const nameRule = z.object({ name: staffName });

/** The host's staff screen (admin only) and a helper's join (public, with the pass). */
export function staffRoutes(ctx: Deps<'auth' | 'config' | 'publicOrigin' | 'staff'>): Router {
    const router = Router();
    const { auth, staff } = ctx;
    // Only failures count, as for invite codes: a guessing loop stops, a crew joining does not.
    const passFailures = new RateLimiter(PASS_FAILURES_PER_MINUTE, 60_000);

    router.post('/api/staff/join', async (req, res) => {
      const pass = req.get('x-staff-pass')?.trim();
      const joined = await passFailures.attempt(
        clientAddress(req, ctx.config.trustProxy),
        async () => {
          if (!pass || !PASS_SHAPE.test(pass)) throw invalidStaffPass();
          const body = parse(staffJoinBody, req.body);
          const { name } = parse(nameRule, body, 'invalid_name');
          return staff.join(pass, name);
        },
        failsWith('invalid_staff_pass'),
      );
      res.status(201).set('Cache-Control', 'no-store').json(joined);
    });

    router.post('/api/admin/staff-passes', auth.admin, async (req, res) => {
      res.status(201).set('Cache-Control', 'no-store').json(await staff.createPass(parse(createStaffPassBody, req.body), ctx.publicOrigin(req)));
    });
    router.get('/api/admin/staff-passes', auth.admin, async (_req, res) => {
      res.set('Cache-Control', 'no-store').json({ passes: await staff.listPasses() });
    });
    router.delete('/api/admin/staff-passes/:pass', auth.admin, async (req, res) => {
      await staff.revokePass(pathId(req.params.pass, 'staff_pass'));
      res.status(204).end();
    });
    router.get('/api/admin/staff', auth.admin, async (_req, res) => {
      res.set('Cache-Control', 'no-store').json({ staff: await staff.listMembers() });
    });
    router.post('/api/admin/staff/:staff_key/revoke', auth.admin, async (req, res) => {
      res.json({ staff: await staff.revokeMember(pathId(req.params.staff_key, 'staff')) });
    });
    return router;
}

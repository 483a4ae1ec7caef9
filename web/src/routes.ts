/**
 * Every page of the portal. The gateway answers index.html only for these first segments
 * (src/portal/portal.ts, PORTAL_ROUTES): test/portal.spec.ts keeps the two lists equal.
 */
export const ROUTES = [
  '/',
  '/home',
  '/feed',
  '/spaces',
  '/spaces/new',
  '/spaces/:id',
  '/spaces/:id/members',
  '/spaces/:id/invitations',
  '/spaces/:id/risks',
  '/spaces/:id/health',
  '/posts/:id',
  '/invitations',
  '/approvals',
  '/notifications',
  '/experts',
  '/me',
  '/security',
  '/security/policy',
  '/security/explain',
  '/security/access',
  '/security/view-as',
  '/security/reviews',
  '/security/campaigns/:id',
  '/security/audit',
  '/security/kill-switch',
] as const;

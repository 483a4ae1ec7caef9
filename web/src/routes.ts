/**
 * Every page of the portal. The gateway answers index.html only for these first segments
 * (src/portal/portal.ts, PORTAL_ROUTES): test/portal.spec.ts keeps the two lists equal.
 */
export const ROUTES = [
  '/',
  '/home',
  '/feed',
  '/spaces',
  '/spaces/:id',
  '/spaces/:id/members',
  '/posts/:id',
  '/invitations',
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

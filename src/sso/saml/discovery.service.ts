import { Injectable } from '@nestjs/common';
import { SessionService } from '../../auth/session.service';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';
import { spEndpoints } from './saml-urls';
import { SamlErrorCode, SamlException } from './saml.exception';
import { PendingInvitation, SignedInUser } from './saml.types';
import { SsoRepository } from './sso.repository';
import { userCounts } from '../../auth/membership-rules';

/** Before and after sign-in: which IdP an email signs in through, and who a session cookie belongs to. */
@Injectable()
export class DiscoveryService {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly sessions: SessionService,
    private readonly repository: SsoRepository,
  ) {}

  /** Home-realm discovery: the active connections that may assert the email's domain. */
  async discover(email: unknown): Promise<{ id: string; name: string; loginUrl: string }[]> {
    if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()) || email.length > 320) {
      throw new SamlException(SamlErrorCode.INVALID_EMAIL);
    }
    const domain = email.trim().toLowerCase().split('@')[1];
    const rows = await this.repository.discoverableConnections(domain);
    if (rows.length === 0) throw new SamlException(SamlErrorCode.DISCOVERY_NO_MATCH, { domain });
    return rows.map((r) => ({ id: r.id, name: r.name, loginUrl: spEndpoints(this.config, r.id).loginUrl }));
  }

  /** The user and pending invitations behind a session cookie (for the page shown after sign-in). */
  async whoAmI(
    cookieValue: string | undefined,
  ): Promise<{ user: SignedInUser; pendingInvitations: PendingInvitation[] } | null> {
    if (!cookieValue) return null;
    const session = await this.sessions.resolve(cookieValue);
    if (!session) return null;
    const user = await this.repository.userWithOrganization(session.userId);
    if (!user || !userCounts(user, user.organization)) return null;
    return {
      user: { id: user.id, email: user.email, displayName: user.displayName, organizationId: user.organizationId },
      pendingInvitations: await this.repository.pendingInvitations(user, this.clock.now()),
    };
  }
}

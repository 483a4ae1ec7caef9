import { AuditEvent } from '../audit/audit-event.entity';
import { Comment } from '../content/comment.entity';
import { Post } from '../content/post.entity';
import { Reaction } from '../content/reaction.entity';
import { ApiToken } from '../identity/api-token.entity';
import { ExternalIdentity } from '../identity/external-identity.entity';
import { IdpConnection } from '../identity/idp-connection.entity';
import { SamlCacheEntry } from '../identity/saml-cache-entry.entity';
import { Session } from '../identity/session.entity';
import { Invitation } from '../invitations/invitation.entity';
import { Organization } from '../organizations/organization.entity';
import { RiskEntry } from '../risks/risk-entry.entity';
import { Membership } from '../spaces/membership.entity';
import { Space } from '../spaces/space.entity';
import { User } from '../users/user.entity';

/** Every entity of the domain; the DataSource and the migration check use this one list. */
export const ENTITIES = [
  Organization,
  IdpConnection,
  User,
  ExternalIdentity,
  Session,
  ApiToken,
  SamlCacheEntry,
  Space,
  Membership,
  Invitation,
  Post,
  Comment,
  Reaction,
  RiskEntry,
  AuditEvent,
];

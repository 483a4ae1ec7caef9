import { AuditAnchor } from './entities/audit-anchor.entity';
import { AuditEvent } from './entities/audit-event.entity';
import { Comment } from './entities/comment.entity';
import { Post } from './entities/post.entity';
import { Reaction } from './entities/reaction.entity';
import { ApiToken } from './entities/api-token.entity';
import { ExternalIdentity } from './entities/external-identity.entity';
import { IdpConnection } from './entities/idp-connection.entity';
import { SamlCacheEntry } from './entities/saml-cache-entry.entity';
import { Session } from './entities/session.entity';
import { Invitation } from './entities/invitation.entity';
import { Organization } from './entities/organization.entity';
import { RiskEntry } from './entities/risk-entry.entity';
import { Membership } from './entities/membership.entity';
import { Space } from './entities/space.entity';
import { User } from './entities/user.entity';
import { Notification } from './entities/notification.entity';
import { MailMessage } from './entities/mail-message.entity';
import { InvitationAnswer } from './entities/invitation-answer.entity';
import { ContentRevision } from './entities/content-revision.entity';
import { Mention } from './entities/mention.entity';
import { RiskEntryRevision } from './entities/risk-entry-revision.entity';
import { RecertificationCampaign } from './entities/recertification-campaign.entity';
import { RecertificationItem } from './entities/recertification-item.entity';

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
  AuditAnchor,
  Notification,
  MailMessage,
  InvitationAnswer,
  ContentRevision,
  Mention,
  RiskEntryRevision,
  RecertificationCampaign,
  RecertificationItem,
];

import { DomainException, ErrorKind } from '../common/domain.exception';

/**
 * Every refusal of the write path (spaces, invitations, memberships, organisations, people),
 * each with its own code, message and audit reason. The code is shown to the client as
 * GraphQL `extensions.reason` beside the kind: these refusals concern objects the caller
 * already sees (an invisible object is NOT_FOUND, exactly like a missing one).
 */
export enum WriteErrorCode {
  // Visibility and roles.
  NOT_FOUND = 'NOT_FOUND',
  ROLE_REQUIRED = 'ROLE_REQUIRED',
  CLEARANCE_TOO_LOW = 'CLEARANCE_TOO_LOW',
  SELF_APPROVAL = 'SELF_APPROVAL',
  SELF_DISABLE = 'SELF_DISABLE',
  HOST_ORGANIZATION = 'HOST_ORGANIZATION',
  /** A profile (directory of experts) is written by the person themself only. */
  NOT_PROFILE_OWNER = 'NOT_PROFILE_OWNER',
  // Input.
  INVALID_INPUT = 'INVALID_INPUT',
  EXTERNAL_ROLE = 'EXTERNAL_ROLE',
  EXPIRY_TOO_LATE = 'EXPIRY_TOO_LATE',
  EXPIRY_IN_PAST = 'EXPIRY_IN_PAST',
  UNKNOWN_DOMAIN = 'UNKNOWN_DOMAIN',
  INVITEE_NOT_CLEARED = 'INVITEE_NOT_CLEARED',
  SPONSOR_INVALID = 'SPONSOR_INVALID',
  ABOVE_ORGANIZATION_CAP = 'ABOVE_ORGANIZATION_CAP',
  ROLE_NOT_FOR_ORGANIZATION = 'ROLE_NOT_FOR_ORGANIZATION',
  DOMAIN_INVALID = 'DOMAIN_INVALID',
  /** A risk's owner is a host user. */
  RISK_OWNER_NOT_HOST = 'RISK_OWNER_NOT_HOST',
  // State.
  SPACE_ARCHIVED = 'SPACE_ARCHIVED',
  SPACE_NOT_ARCHIVED = 'SPACE_NOT_ARCHIVED',
  ORGANIZATION_SUSPENDED = 'ORGANIZATION_SUSPENDED',
  ORGANIZATION_NOT_SUSPENDED = 'ORGANIZATION_NOT_SUSPENDED',
  USER_DISABLED = 'USER_DISABLED',
  USER_NOT_DISABLED = 'USER_NOT_DISABLED',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  ALREADY_INVITED = 'ALREADY_INVITED',
  INVITATION_NOT_PENDING = 'INVITATION_NOT_PENDING',
  INVITATION_AWAITING_APPROVAL = 'INVITATION_AWAITING_APPROVAL',
  INVITATION_REVOKED = 'INVITATION_REVOKED',
  INVITATION_EXPIRED = 'INVITATION_EXPIRED',
  INVITATION_ANSWERED = 'INVITATION_ANSWERED',
  NOT_INVITEE = 'NOT_INVITEE',
  SIGN_IN_NOT_FROM_ORGANIZATION = 'SIGN_IN_NOT_FROM_ORGANIZATION',
  MEMBERSHIP_NOT_ACTIVE = 'MEMBERSHIP_NOT_ACTIVE',
  LAST_OWNER = 'LAST_OWNER',
  DOMAIN_TAKEN = 'DOMAIN_TAKEN',
  /** Disabling the last active HOST_ADMIN would leave nobody to administer the gateway. */
  LAST_HOST_ADMIN = 'LAST_HOST_ADMIN',
  // Invitations: the invitee's organisation no longer owns the invited address's domain.
  EMAIL_DOMAIN_NOT_OWNED = 'EMAIL_DOMAIN_NOT_OWNED',
  // Conversations: labels, tombstones, moderation, mentions.
  LABEL_BELOW_CLASSIFICATION = 'LABEL_BELOW_CLASSIFICATION',
  LABEL_ABOVE_CLEARANCE = 'LABEL_ABOVE_CLEARANCE',
  TOO_MANY_MENTIONS = 'TOO_MANY_MENTIONS',
  CONTENT_DELETED = 'CONTENT_DELETED',
  CONTENT_HIDDEN = 'CONTENT_HIDDEN',
  CONTENT_NOT_HIDDEN = 'CONTENT_NOT_HIDDEN',
  /** Lowering a label while an external holds a grant in the space: they could newly read it. */
  LABEL_LOWERING_EXPOSES = 'LABEL_LOWERING_EXPOSES',
  // Recertification campaigns (src/recertification).
  /** The scope holds no live external grant that is not already pending in an open campaign. */
  NOTHING_TO_CERTIFY = 'NOTHING_TO_CERTIFY',
  /** The item was already certified, revoked or lapsed. */
  ITEM_DECIDED = 'ITEM_DECIDED',
  /** The campaign's deadline has passed: its pending items lapse. */
  DEADLINE_PASSED = 'DEADLINE_PASSED',
}

const KINDS: Record<WriteErrorCode, ErrorKind> = {
  NOT_FOUND: ErrorKind.NOT_FOUND,
  ROLE_REQUIRED: ErrorKind.FORBIDDEN,
  CLEARANCE_TOO_LOW: ErrorKind.FORBIDDEN,
  SELF_APPROVAL: ErrorKind.FORBIDDEN,
  SELF_DISABLE: ErrorKind.FORBIDDEN,
  HOST_ORGANIZATION: ErrorKind.FORBIDDEN,
  NOT_PROFILE_OWNER: ErrorKind.FORBIDDEN,
  NOT_INVITEE: ErrorKind.FORBIDDEN,
  SIGN_IN_NOT_FROM_ORGANIZATION: ErrorKind.FORBIDDEN,
  INVALID_INPUT: ErrorKind.BAD_USER_INPUT,
  EXTERNAL_ROLE: ErrorKind.BAD_USER_INPUT,
  EXPIRY_TOO_LATE: ErrorKind.BAD_USER_INPUT,
  EXPIRY_IN_PAST: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_DOMAIN: ErrorKind.BAD_USER_INPUT,
  INVITEE_NOT_CLEARED: ErrorKind.BAD_USER_INPUT,
  SPONSOR_INVALID: ErrorKind.BAD_USER_INPUT,
  ABOVE_ORGANIZATION_CAP: ErrorKind.BAD_USER_INPUT,
  ROLE_NOT_FOR_ORGANIZATION: ErrorKind.BAD_USER_INPUT,
  DOMAIN_INVALID: ErrorKind.BAD_USER_INPUT,
  RISK_OWNER_NOT_HOST: ErrorKind.BAD_USER_INPUT,
  SPACE_ARCHIVED: ErrorKind.CONFLICT,
  SPACE_NOT_ARCHIVED: ErrorKind.CONFLICT,
  ORGANIZATION_SUSPENDED: ErrorKind.CONFLICT,
  ORGANIZATION_NOT_SUSPENDED: ErrorKind.CONFLICT,
  USER_DISABLED: ErrorKind.CONFLICT,
  USER_NOT_DISABLED: ErrorKind.CONFLICT,
  ALREADY_MEMBER: ErrorKind.CONFLICT,
  ALREADY_INVITED: ErrorKind.CONFLICT,
  INVITATION_NOT_PENDING: ErrorKind.CONFLICT,
  INVITATION_AWAITING_APPROVAL: ErrorKind.CONFLICT,
  INVITATION_REVOKED: ErrorKind.CONFLICT,
  INVITATION_EXPIRED: ErrorKind.CONFLICT,
  INVITATION_ANSWERED: ErrorKind.CONFLICT,
  MEMBERSHIP_NOT_ACTIVE: ErrorKind.CONFLICT,
  LAST_OWNER: ErrorKind.CONFLICT,
  DOMAIN_TAKEN: ErrorKind.CONFLICT,
  LAST_HOST_ADMIN: ErrorKind.CONFLICT,
  EMAIL_DOMAIN_NOT_OWNED: ErrorKind.FORBIDDEN,
  LABEL_BELOW_CLASSIFICATION: ErrorKind.BAD_USER_INPUT,
  LABEL_ABOVE_CLEARANCE: ErrorKind.BAD_USER_INPUT,
  TOO_MANY_MENTIONS: ErrorKind.BAD_USER_INPUT,
  CONTENT_DELETED: ErrorKind.CONFLICT,
  CONTENT_HIDDEN: ErrorKind.CONFLICT,
  CONTENT_NOT_HIDDEN: ErrorKind.CONFLICT,
  LABEL_LOWERING_EXPOSES: ErrorKind.CONFLICT,
  NOTHING_TO_CERTIFY: ErrorKind.CONFLICT,
  ITEM_DECIDED: ErrorKind.CONFLICT,
  DEADLINE_PASSED: ErrorKind.CONFLICT,
};

export class WriteException extends DomainException<WriteErrorCode> {
  constructor(code: WriteErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    return KINDS[this.code];
  }

  /** NOT_FOUND stays bare: its one answer must not differ between invisible and missing. */
  override get publicReason(): string | null {
    return this.code === WriteErrorCode.NOT_FOUND ? null : this.code;
  }

  /** The one answer for an object that is invisible or does not exist. */
  static notFound(subjectType: string, subjectId: string, auditReason?: string): WriteException {
    // auditReason (e.g. `wrong_email`) says in the audit log why; the caller never sees it.
    return new WriteException(WriteErrorCode.NOT_FOUND, 'Not found', {
      subjectType,
      subjectId,
      ...(auditReason ? { auditReason } : {}),
    });
  }
}

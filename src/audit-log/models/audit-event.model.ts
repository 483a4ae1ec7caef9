import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType } from '../../graphql/pagination';
import { AuditDecision } from '../audit-log-filter';

registerEnumType(AuditDecision, { name: 'AuditDecision', description: 'The outcome an audit event records.' });

@ObjectType('AuditEvent', {
  description:
    'One event of the hash-chained audit log. Overseers see every field; a partner admin sees the events about their own people, with the actor only when it is one of them, the subject only when it is theirs, the space only when they see it, and never the details or hashes: withheld fields are null and listed in `withheld`.',
})
export class AuditEventModel {
  @Field(() => String, { description: 'Position in the chain (a decimal integer, from 1).' })
  seq: string;

  @Field(() => ID)
  id: string;

  @Field(() => Date)
  occurredAt: Date;

  @Field({ description: 'Dotted verb, e.g. auth.login, authz.denied, membership.revoke.' })
  action: string;

  @Field(() => AuditDecision)
  decision: AuditDecision;

  @Field(() => String, { nullable: true, description: 'Machine-readable reason, e.g. signature_invalid.' })
  reason: string | null;

  @Field(() => ID, { nullable: true })
  actorId: string | null;

  @Field(() => ID, { nullable: true })
  actorOrganizationId: string | null;

  @Field(() => String, { nullable: true })
  subjectType: string | null;

  @Field(() => String, { nullable: true })
  subjectId: string | null;

  @Field(() => ID, { nullable: true, description: "The subject's organisation, when the subject belongs to one." })
  subjectOrganizationId: string | null;

  @Field(() => ID, { nullable: true })
  spaceId: string | null;

  @Field(() => String, { nullable: true, description: 'The details, as canonical JSON.' })
  details: string | null;

  @Field(() => String, { nullable: true })
  ip: string | null;

  @Field(() => String, { nullable: true })
  requestId: string | null;

  @Field(() => String, { nullable: true })
  prevHash: string | null;

  @Field(() => String, { nullable: true })
  hash: string | null;

  @Field(() => [String], { description: 'The fields withheld from this caller.' })
  withheld: string[];
}

export const AuditEventConnection = ConnectionType(AuditEventModel, 'AuditEvent');

export enum AuditChainBreakKind {
  ALTERED = 'ALTERED',
  DELETED = 'DELETED',
  INSERTED = 'INSERTED',
  REORDERED = 'REORDERED',
  ANCHOR_FORGED = 'ANCHOR_FORGED',
}
registerEnumType(AuditChainBreakKind, { name: 'AuditChainBreakKind' });

@ObjectType('AuditChainProblem', { description: 'The first place where the chain or an anchor does not hold.' })
export class AuditChainProblemModel {
  @Field(() => AuditChainBreakKind)
  kind: AuditChainBreakKind;

  @Field(() => String, {
    description: 'The position named: the altered, inserted or moved row, or the first missing one.',
  })
  seq: string;

  @Field(() => ID, { nullable: true, description: 'The row at that position, when there is one.' })
  eventId: string | null;

  @Field()
  message: string;
}

@ObjectType('AuditChainVerification')
export class AuditChainVerificationModel {
  @Field()
  ok: boolean;

  @Field(() => Int, { description: 'Rows walked, up to the first broken one.' })
  events: number;

  @Field(() => String, { nullable: true })
  headSeq: string | null;

  @Field(() => String, { nullable: true })
  headHash: string | null;

  @Field(() => Int, { description: 'Anchors checked.' })
  anchors: number;

  @Field(() => AuditChainProblemModel, { nullable: true })
  problem: AuditChainProblemModel | null;
}

@ObjectType('AuditAnchor', { description: "A signed checkpoint of the chain's head." })
export class AuditAnchorModel {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  seq: string;

  @Field()
  hash: string;

  @Field(() => Date)
  anchoredAt: Date;

  @Field({ description: 'HMAC-SHA256 under a key derived from SECRET_KEY.' })
  signature: string;
}

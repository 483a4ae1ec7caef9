import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ChainVerification } from '../audit/audit.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { Connection } from '../graphql/pagination';
import { AuditEventRecord } from './audit-event-view';
import { AuditLogReader, AuditLogService } from './audit-log.service';
import { AuditEventsArgs } from './dto/audit-events.args';
import {
  AuditAnchorModel,
  AuditChainBreakKind,
  AuditChainVerificationModel,
  AuditEventConnection,
} from './models/audit-event.model';

/** The audit log over GraphQL: the list, chain verification and anchoring. */
@Resolver()
export class AuditLogResolver {
  constructor(private readonly log: AuditLogService) {}

  @Query(() => AuditEventConnection, {
    description:
      "The audit log, newest first (HOST_ADMIN and SECURITY_REVIEWER: all of it; a PARTNER_ADMIN: the events about their own organisation's people, fields about others withheld).",
  })
  auditEvents(@CurrentViewer() v: Viewer, @Args() args: AuditEventsArgs): Promise<Connection<AuditEventRecord>> {
    return this.log.events(readerOf(v), { ...(args.filter ?? {}) }, args);
  }

  @Query(() => AuditChainVerificationModel, {
    description:
      'Walks the whole hash chain and checks every anchor (HOST_ADMIN, SECURITY_REVIEWER): names the first altered, deleted, inserted or reordered row, a truncated tail, or a forged anchor.',
  })
  async verifyAuditChain(@CurrentViewer() v: Viewer): Promise<AuditChainVerificationModel> {
    return verificationModel(await this.log.verify(readerOf(v)));
  }

  @Mutation(() => AuditAnchorModel, {
    nullable: true,
    description: "Anchors the chain's head now (HOST_ADMIN, SECURITY_REVIEWER); null on an empty log.",
  })
  async anchorAuditChain(@CurrentViewer() v: Viewer): Promise<AuditAnchorModel | null> {
    const anchor = await this.log.anchor(readerOf(v));
    return anchor ? { ...anchor, seq: String(anchor.seq) } : null;
  }
}

function readerOf(v: Viewer): AuditLogReader {
  return {
    principal: v.principal,
    ability: v.ability,
    requestId: v.ctx.req.requestId ?? null,
    ip: v.ctx.req.ip ?? null,
  };
}

function verificationModel(r: ChainVerification): AuditChainVerificationModel {
  return {
    ok: r.ok,
    events: r.events,
    headSeq: r.head ? String(r.head.seq) : null,
    headHash: r.head?.hash ?? null,
    anchors: r.anchors,
    problem: r.problem
      ? {
          kind: r.problem.kind as AuditChainBreakKind,
          seq: String(r.problem.seq),
          eventId: r.problem.eventId,
          message: r.problem.message,
        }
      : null,
  };
}

import { Injectable } from '@nestjs/common';
import { AbilityFactory } from '../access/ability.factory';
import { AppAbility } from '../access/subjects';
import { AuditService } from '../audit/audit.service';
import { Principal } from '../auth/principal';
import { buildPolicyDocument, canonicalJson, PolicyCondition, PolicyDocument, PolicyRule } from './policy-document';
import { PolicyErrorCode, PolicyException } from './policy.exception';
import { conditionTexts } from './policy-text';
import { AccessPolicyModel, PolicyConditionModel, PolicyRuleModel } from './models/access-policy.model';

/**
 * The access policy as data. The document is derived once from the engine at start (it is
 * code, not data that changes at run time). Reading it is for the overseers, HOST_ADMIN and
 * SECURITY_REVIEWER (`review` User): it is not secret content, but a PARTNER_ADMIN has no use
 * for the host's internal roles and rules, and their own review is scoped (issue 10 item 8).
 */
@Injectable()
export class PolicyService {
  readonly document: PolicyDocument;

  constructor(
    abilities: AbilityFactory,
    private readonly audit: AuditService,
  ) {
    this.document = buildPolicyDocument(abilities);
  }

  async accessPolicy(p: Principal, ability: AppAbility, requestId?: string): Promise<AccessPolicyModel> {
    await this.mayReview(p, ability, 'review.policy', requestId);
    await this.audit.record({
      action: 'review.policy',
      outcome: 'SUCCESS',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      details: { version: this.document.version },
      requestId: requestId ?? null,
    });
    return {
      version: this.document.version,
      rules: this.document.rules.map(ruleModel),
      symbols: this.document.symbols,
    };
  }

  /** The overseers' check, audited when it refuses. */
  async mayReview(p: Principal, ability: AppAbility, attempted: string, requestId?: string): Promise<void> {
    if (ability.can('review', 'User')) return;
    await this.audit.recordQuietly({
      action: 'authz.denied',
      outcome: 'DENIED',
      actorId: p.userId,
      actorOrganizationId: p.organizationId,
      reason: 'role_required',
      details: { attempted },
      requestId: requestId ?? null,
    });
    throw new PolicyException(
      PolicyErrorCode.ROLE_REQUIRED,
      'Only HOST_ADMIN and SECURITY_REVIEWER read the access policy and explain decisions',
      { attempted },
    );
  }
}

export function ruleModel(r: PolicyRule): PolicyRuleModel {
  return {
    ...r,
    appliesTo: r.appliesTo.map((s) => ({ side: s.side, roles: s.roles })),
    conditions: r.conditions.map(conditionModel),
  };
}

export function conditionModel(c: PolicyCondition): PolicyConditionModel {
  return {
    field: c.field,
    operator: c.operator,
    value: c.value === undefined ? null : canonicalJson(c.value),
    conditions: c.conditions ? c.conditions.map(conditionModel) : null,
    text: conditionTexts(c),
  };
}

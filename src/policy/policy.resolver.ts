import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { ExplainService } from './explain.service';
import { AccessExplanationModel } from './models/access-explanation.model';
import { AccessPolicyModel } from './models/access-policy.model';
import { PolicyService } from './policy.service';

@Resolver()
export class PolicyResolver {
  constructor(
    private readonly policy: PolicyService,
    private readonly explanations: ExplainService,
  ) {}

  @Query(() => AccessPolicyModel, {
    description:
      'Every rule of the access engine as data and in plain words (French and English), derived from the engine itself, with a version hash. HOST_ADMIN and SECURITY_REVIEWER; FORBIDDEN (reason ROLE_REQUIRED) for anyone else.',
  })
  accessPolicy(@CurrentViewer() v: Viewer): Promise<AccessPolicyModel> {
    return this.policy.accessPolicy(v.principal, v.ability, v.ctx.req.requestId);
  }

  @Query(() => AccessExplanationModel, {
    description:
      'Whether a user may now do `action` on a subject, the rule that decided and the facts behind it. HOST_ADMIN and SECURITY_REVIEWER. subjectType: Space (read, post, invite, update, readHealth), Post (read, comment, react, edit, delete, moderate), Comment (read, react, edit, delete, moderate), Membership, User, Organization (read). NOT_FOUND for a user the caller does not see; FORBIDDEN (ROLE_REQUIRED) for a caller who sees them but may not review; BAD_USER_INPUT (UNKNOWN_ACTION, UNSUPPORTED_SUBJECT_TYPE, UNSUPPORTED_ACTION). A missing subject is answered with subject.found false.',
  })
  explainAccess(
    @CurrentViewer() v: Viewer,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('action') action: string,
    @Args('subjectType') subjectType: string,
    @Args('subjectId', { type: () => ID }) subjectId: string,
  ): Promise<AccessExplanationModel> {
    return this.explanations.explain(
      v.principal,
      v.ability,
      { userId, action, subjectType, subjectId },
      v.ctx.req.requestId,
    );
  }
}

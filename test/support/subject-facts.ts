import { DataSource } from 'typeorm';
import { Comment } from '../../src/database/entities/comment.entity';
import { Post } from '../../src/database/entities/post.entity';
import { IdpConnection } from '../../src/database/entities/idp-connection.entity';
import { Reaction } from '../../src/database/entities/reaction.entity';
import { clearedFor, effectiveClearance, membershipActiveUntil, userCounts } from '../../src/auth/membership-rules';
import { Organization } from '../../src/database/entities/organization.entity';
import { Membership } from '../../src/database/entities/membership.entity';
import { Space } from '../../src/database/entities/space.entity';
import { User } from '../../src/database/entities/user.entity';
import { Invitation } from '../../src/database/entities/invitation.entity';
import { Notification } from '../../src/database/entities/notification.entity';
import { RiskEntry } from '../../src/database/entities/risk-entry.entity';
import { asSubject, idpConnectionSubject, SubjectName } from '../../src/access/subjects';

type Facts = ReturnType<typeof asSubject>;
export type WorldFacts = Record<Exclude<SubjectName, 'AuditEvent' | 'RecertificationCampaign'>, Facts[]>;

/**
 * Subjects as plain objects carrying every fact the rules mention (relations included),
 * for in-memory checks: explanations for reviewers and the test that holds `ability.can`
 * and the SQL filter to the same answers. The computed facts are the in-memory faces of
 * src/auth/membership-rules.ts, whose SQL faces subject-sql-schema.ts uses. It loads whole
 * tables: test code only.
 */
export class SubjectFactsService {
  constructor(private readonly dataSource: DataSource) {}

  async loadAll(): Promise<WorldFacts> {
    const m = this.dataSource.manager;
    const [
      orgs,
      users,
      spaces,
      memberships,
      posts,
      comments,
      reactions,
      connections,
      invitations,
      notifications,
      risks,
    ] = await Promise.all([
      m.find(Organization),
      m.find(User),
      m.find(Space),
      m.find(Membership),
      m.find(Post),
      m.find(Comment),
      m.find(Reaction),
      m.find(IdpConnection),
      m.find(Invitation),
      m.find(Notification),
      m.find(RiskEntry),
    ]);
    const orgById = new Map(orgs.map((o) => [o.id, o]));
    const userById = new Map(users.map((u) => [u.id, u]));
    const spaceById = new Map(spaces.map((s) => [s.id, s]));
    const counts = (u: User) => userCounts(u, orgById.get(u.organizationId));
    const effective = (u: User) => effectiveClearance(u, orgById.get(u.organizationId));

    const postFacts = new Map(
      posts.map((p) => [
        p.id,
        asSubject('Post', {
          id: p.id,
          spaceId: p.spaceId,
          label: p.label,
          hidden: p.hidden,
          authorOrganizationId: p.authorOrganizationId,
        }),
      ]),
    );
    const commentFacts = comments.map((c) =>
      asSubject('Comment', {
        id: c.id,
        hidden: c.hidden,
        authorOrganizationId: c.authorOrganizationId,
        authorId: c.authorId,
        post: postFacts.get(c.postId),
      }),
    );
    const commentById = new Map(comments.map((c) => [c.id, c]));
    const reactionFacts = reactions.map((r) => {
      // What the reaction answers: its comment, or the post itself.
      const comment = r.commentId ? commentById.get(r.commentId) : undefined;
      const post = postFacts.get(r.postId)!;
      return asSubject('Reaction', {
        id: r.id,
        authorOrganizationId: r.authorOrganizationId,
        authorId: r.authorId,
        post,
        targetHidden: comment ? comment.hidden : false,
        targetAuthorOrganizationId: comment ? comment.authorOrganizationId : post.authorOrganizationId,
      });
    });
    const membershipFacts = memberships.map((ms) => {
      const member = userById.get(ms.userId)!;
      return asSubject('Membership', {
        id: ms.id,
        userId: ms.userId,
        spaceId: ms.spaceId,
        userOrganizationId: ms.userOrganizationId,
        status: ms.status,
        expiresAt: ms.expiresAt,
        activeUntil: membershipActiveUntil(ms),
        memberCounts: counts(member),
        clearanceSufficient: clearedFor(effective(member), spaceById.get(ms.spaceId)),
      });
    });
    const userFacts = users.map((u) =>
      asSubject('User', {
        id: u.id,
        organizationId: u.organizationId,
        counts: counts(u),
        memberships: membershipFacts.filter((ms) => ms.userId === u.id),
        posts: posts.filter((p) => p.authorId === u.id).map((p) => postFacts.get(p.id)),
        comments: commentFacts.filter((c) => c.authorId === u.id),
      }),
    );
    return {
      Organization: orgs.map((o) =>
        asSubject('Organization', { id: o.id, users: userFacts.filter((u) => u.organizationId === o.id) }),
      ),
      User: userFacts,
      Space: spaces.map((s) => asSubject('Space', { id: s.id })),
      Membership: membershipFacts,
      Post: [...postFacts.values()],
      Comment: commentFacts,
      Reaction: reactionFacts,
      IdpConnection: connections.map((c) => idpConnectionSubject(c)),
      Invitation: invitations.map((i) =>
        asSubject('Invitation', {
          id: i.id,
          spaceId: i.spaceId,
          organizationId: i.organizationId,
          invitedById: i.invitedById,
          email: i.email,
          wholeOrganization: i.wholeOrganization,
        }),
      ),
      Notification: notifications.map((n) => asSubject('Notification', { id: n.id, userId: n.userId })),
      RiskEntry: risks.map((r) => asSubject('RiskEntry', { id: r.id, spaceId: r.spaceId })),
    };
  }
}

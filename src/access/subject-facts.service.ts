import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Comment } from '../database/entities/comment.entity';
import { Post } from '../database/entities/post.entity';
import { IdpConnection } from '../database/entities/idp-connection.entity';
import { Reaction } from '../database/entities/reaction.entity';
import { OrganizationStatus, UserStatus } from '../common/domain.enums';
import { Organization } from '../database/entities/organization.entity';
import { Membership } from '../database/entities/membership.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';
import { asSubject, idpConnectionSubject, SubjectName } from './subjects';

type Facts = ReturnType<typeof asSubject>;
export type WorldFacts = Record<SubjectName, Facts[]>;

const INFINITY = new Date(8_640_000_000_000_000);

/**
 * Subjects as plain objects carrying every fact the rules mention (relations included),
 * for in-memory checks: explanations for reviewers and the test that holds `ability.can`
 * and the SQL filter to the same answers. The computed facts mirror subject-sql-schema.ts.
 * It loads whole tables: meant for review tooling and tests, not for request paths.
 */
@Injectable()
export class SubjectFactsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async loadAll(): Promise<WorldFacts> {
    const m = this.dataSource.manager;
    const [orgs, users, spaces, memberships, posts, comments, reactions, connections] = await Promise.all([
      m.find(Organization),
      m.find(User),
      m.find(Space),
      m.find(Membership),
      m.find(Post),
      m.find(Comment),
      m.find(Reaction),
      m.find(IdpConnection),
    ]);
    const orgById = new Map(orgs.map((o) => [o.id, o]));
    const userById = new Map(users.map((u) => [u.id, u]));
    const spaceById = new Map(spaces.map((s) => [s.id, s]));
    const counts = (u: User) => u.status === UserStatus.ACTIVE && orgById.get(u.organizationId)?.status === OrganizationStatus.ACTIVE;
    const effective = (u: User) => Math.min(u.clearance, orgById.get(u.organizationId)?.clearanceCap ?? 0);

    const postFacts = new Map(posts.map((p) => [p.id, asSubject('Post', {
      id: p.id, spaceId: p.spaceId, label: p.label, hidden: p.hidden, authorOrganizationId: p.authorOrganizationId,
    })]));
    const contribution = (type: 'Comment' | 'Reaction', c: Comment | Reaction) =>
      asSubject(type, { id: c.id, authorOrganizationId: c.authorOrganizationId, authorId: c.authorId, post: postFacts.get(c.postId) });
    const commentFacts = comments.map((c) => contribution('Comment', c));
    const membershipFacts = memberships.map((ms) => {
      const member = userById.get(ms.userId)!;
      return asSubject('Membership', {
        id: ms.id,
        userId: ms.userId,
        spaceId: ms.spaceId,
        userOrganizationId: ms.userOrganizationId,
        status: ms.status,
        expiresAt: ms.expiresAt,
        activeUntil: ms.expiresAt ?? INFINITY,
        memberCounts: counts(member),
        clearanceSufficient: effective(member) >= (spaceById.get(ms.spaceId)?.classification ?? Infinity),
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
      Organization: orgs.map((o) => asSubject('Organization', { id: o.id, users: userFacts.filter((u) => u.organizationId === o.id) })),
      User: userFacts,
      Space: spaces.map((s) => asSubject('Space', { id: s.id })),
      Membership: membershipFacts,
      Post: [...postFacts.values()],
      Comment: commentFacts,
      Reaction: reactions.map((r) => contribution('Reaction', r)),
      IdpConnection: connections.map((c) => idpConnectionSubject(c)),
    };
  }
}

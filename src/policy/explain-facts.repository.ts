import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { clearedFor, effectiveClearance, membershipActiveUntil, userCounts } from '../auth/membership-rules';
import { OrganizationKind } from '../common/domain.enums';
import { Comment } from '../database/entities/comment.entity';
import { Membership } from '../database/entities/membership.entity';
import { Organization } from '../database/entities/organization.entity';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { User } from '../database/entities/user.entity';

/** A user with their organisation, whether or not they count. */
export interface Standing {
  user: User;
  organization: Organization | null;
}

/**
 * The facts of one subject as the engine sees them: the same fields as the SQL faces of
 * access/sql/subject-sql-schema.ts, computed with the in-memory faces of
 * auth/membership-rules.ts. Relations are loaded only as far as a decision needs them: a
 * person's memberships (a handful), and for their posts and comments one that the explained
 * user reads, found in SQL with that user's own scope (the rule asks for at least one).
 */
@Injectable()
export class ExplainFactsRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  async standing(userId: string): Promise<Standing | null> {
    const user = await this.dataSource.manager.findOne(User, { where: { id: userId } });
    if (!user) return null;
    const organization = await this.dataSource.manager.findOne(Organization, { where: { id: user.organizationId } });
    return { user, organization };
  }

  async hostOrganizationId(): Promise<string | null> {
    const host = await this.dataSource.manager.findOne(Organization, { where: { kind: OrganizationKind.HOST } });
    return host?.id ?? null;
  }

  space(id: string): Promise<Space | null> {
    return this.dataSource.manager.findOne(Space, { where: { id } });
  }

  post(id: string): Promise<Post | null> {
    return this.dataSource.manager.findOne(Post, { where: { id } });
  }

  comment(id: string): Promise<Comment | null> {
    return this.dataSource.manager.findOne(Comment, { where: { id } });
  }

  membership(id: string): Promise<Membership | null> {
    return this.dataSource.manager.findOne(Membership, { where: { id } });
  }

  organization(id: string): Promise<Organization | null> {
    return this.dataSource.manager.findOne(Organization, { where: { id } });
  }

  /** A user's grants in one space, the most telling first (active, then the latest expiry). */
  grantsIn(userId: string, spaceId: string): Promise<Membership[]> {
    return this.dataSource.manager
      .createQueryBuilder(Membership, 'm')
      .where('m.user_id = :userId AND m.space_id = :spaceId', { userId, spaceId })
      .orderBy(`CASE WHEN m.status = 'ACTIVE' THEN 0 ELSE 1 END`)
      .addOrderBy('m.expires_at', 'DESC', 'NULLS FIRST')
      .getMany();
  }

  async membershipFacts(rows: Membership[]): Promise<Record<string, unknown>[]> {
    if (rows.length === 0) return [];
    const users = await this.dataSource.manager
      .createQueryBuilder(User, 'u')
      .where('u.id = ANY(:ids)', { ids: [...new Set(rows.map((m) => m.userId))] })
      .getMany();
    const orgs = await this.dataSource.manager
      .createQueryBuilder(Organization, 'o')
      .where('o.id = ANY(:ids)', { ids: [...new Set(users.map((u) => u.organizationId))] })
      .getMany();
    const spaces = await this.dataSource.manager
      .createQueryBuilder(Space, 's')
      .where('s.id = ANY(:ids)', { ids: [...new Set(rows.map((m) => m.spaceId))] })
      .getMany();
    const user = new Map(users.map((u) => [u.id, u]));
    const org = new Map(orgs.map((o) => [o.id, o]));
    const space = new Map(spaces.map((s) => [s.id, s]));
    return rows.map((m) => {
      const member = user.get(m.userId)!;
      const memberOrg = org.get(member.organizationId);
      return {
        id: m.id,
        userId: m.userId,
        spaceId: m.spaceId,
        userOrganizationId: m.userOrganizationId,
        status: m.status,
        role: m.role,
        sponsorId: m.sponsorId,
        expiresAt: m.expiresAt,
        activeUntil: membershipActiveUntil(m),
        memberCounts: userCounts(member, memberOrg),
        clearanceSufficient: clearedFor(effectiveClearance(member, memberOrg), space.get(m.spaceId)),
      };
    });
  }

  /** Every grant of one person (a person holds a handful). */
  grantsOf(userId: string): Promise<Membership[]> {
    return this.dataSource.manager.find(Membership, { where: { userId } });
  }

  /** One post by `authorId` that `ability` reads, if any: filtered in SQL by that ability. */
  readablePostBy(ability: AppAbility, authorId: string): Promise<Post | null> {
    const qb = this.dataSource.manager.createQueryBuilder(Post, 'p').where('p.author_id = :authorId', { authorId });
    return this.access.restrict(qb, ability, 'Post').orderBy('p.id').limit(1).getOne();
  }

  /** One comment by `authorId` that `ability` reads, if any. */
  readableCommentBy(ability: AppAbility, authorId: string): Promise<Comment | null> {
    const qb = this.dataSource.manager.createQueryBuilder(Comment, 'c').where('c.author_id = :authorId', { authorId });
    return this.access.restrict(qb, ability, 'Comment').orderBy('c.id').limit(1).getOne();
  }

  /** One user of `organizationId` that `ability` sees, if any. */
  visibleUserOf(ability: AppAbility, organizationId: string): Promise<User | null> {
    const qb = this.dataSource.manager
      .createQueryBuilder(User, 'u')
      .where('u.organization_id = :organizationId', { organizationId });
    return this.access.restrict(qb, ability, 'User').orderBy('u.id').limit(1).getOne();
  }
}

export function postFacts(p: Post): Record<string, unknown> {
  return {
    id: p.id,
    spaceId: p.spaceId,
    label: p.label,
    hidden: p.hidden,
    authorId: p.authorId,
    authorOrganizationId: p.authorOrganizationId,
  };
}

export function commentFacts(c: Comment, post: Post): Record<string, unknown> {
  return {
    id: c.id,
    spaceId: post.spaceId,
    hidden: c.hidden,
    authorId: c.authorId,
    authorOrganizationId: c.authorOrganizationId,
    post: postFacts(post),
  };
}

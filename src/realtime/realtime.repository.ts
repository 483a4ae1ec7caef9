import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessService } from '../access/access.service';
import { AppAbility } from '../access/subjects';
import { Comment } from '../database/entities/comment.entity';
import { Notification } from '../database/entities/notification.entity';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';

/** The reads of the real-time path: one row by id, if the subscriber may read it now (the rule, in SQL). */
@Injectable()
export class RealtimeRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
  ) {}

  visibleSpaceExists(ability: AppAbility, id: string): Promise<boolean> {
    const qb = this.dataSource.getRepository(Space).createQueryBuilder('s').where('s.id = :id', { id });
    return this.access.restrict(qb, ability, 'Space').getExists();
  }

  readablePost(ability: AppAbility, id: string, spaceId: string | null): Promise<Post | null> {
    const qb = this.dataSource.getRepository(Post).createQueryBuilder('p').where('p.id = :id', { id });
    if (spaceId) qb.andWhere('p.space_id = :spaceId', { spaceId });
    return this.access.restrict(qb, ability, 'Post').getOne();
  }

  readableComment(ability: AppAbility, id: string, postId: string | null): Promise<Comment | null> {
    const qb = this.dataSource.getRepository(Comment).createQueryBuilder('c').where('c.id = :id', { id });
    if (postId) qb.andWhere('c.post_id = :postId', { postId });
    return this.access.restrict(qb, ability, 'Comment').getOne();
  }

  /** The reader's own notice (the Notification rule is "one's own"; the owner is named again here). */
  ownNotification(ability: AppAbility, id: string, userId: string): Promise<Notification | null> {
    const qb = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.id = :id AND n.user_id = :userId', { id, userId });
    return this.access.restrict(qb, ability, 'Notification').getOne();
  }
}

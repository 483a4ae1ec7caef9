import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WriteActor, WriteRunner } from '../access/write-runner';
import { Clock } from '../common/clock';
import { parseId } from '../common/ids';
import { Comment } from '../database/entities/comment.entity';
import { ContentRevision } from '../database/entities/content-revision.entity';
import { Post } from '../database/entities/post.entity';
import { NotificationsService } from '../notifications/notifications.service';
import { commentFacts, ContentWriteGuard, notDeleted, replacedAt, postFacts, writable } from './content-write-guard';
import { contentBody } from './content-values';
import { mentionedIds, MentionsService } from './mentions';

/** Writing comments (issue 9, items 1 and 3): comment with reply notice, edit with history, delete. */
@Injectable()
export class CommentWritesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runner: WriteRunner,
    private readonly guard: ContentWriteGuard,
    private readonly mentions: MentionsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
  ) {}

  async comment(actor: WriteActor, postId: string, rawBody: string): Promise<Comment> {
    // The post's author may be told of the reply: their ability is loaded with the mentions'.
    const id = parseId(postId);
    const author = id
      ? await this.dataSource.getRepository(Post).findOne({ where: { id }, select: { authorId: true } })
      : null;
    const named = typeof rawBody === 'string' ? mentionedIds(rawBody) : [];
    const readers = await this.mentions.readers(author ? [author.authorId, ...named] : named);
    return this.runner.run(actor, 'comment.create', { type: 'Post', id: postId }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, postId);
      this.guard.may(actor, 'comment', 'Post', postFacts(post), 'Only members who write in the space comment');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      notDeleted(post, 'Post');
      const body = contentBody(rawBody);
      const p = actor.principal;
      const comment = await tx.manager.save(
        tx.manager.create(Comment, {
          postId: post.id,
          authorId: p.userId,
          authorOrganizationId: p.organizationId,
          body,
        }),
      );
      const item = { postId: post.id, commentId: comment.id, spaceId: post.spaceId, authorId: p.userId };
      await this.mentions.record(tx, item, mentionedIds(body), readers);
      // The post's author hears of it, unless they wrote it or may not read it (HUB: a competitor's).
      const replied =
        post.authorId !== p.userId &&
        readers.has(post.authorId) &&
        (await this.mentions.reads(tx, readers.get(post.authorId), item));
      if (replied) {
        await this.notifications.notify(tx.manager, [
          {
            userId: post.authorId,
            kind: 'post.replied',
            spaceId: post.spaceId,
            subjectType: 'Comment',
            subjectId: comment.id,
            data: { postId: post.id, commentId: comment.id },
          },
        ]);
      }
      tx.audit({
        subjectType: 'Comment',
        subjectId: comment.id,
        details: { postId: post.id, authorNotified: replied },
      });
      return comment;
    });
  }

  async edit(actor: WriteActor, id: string, rawBody: string): Promise<Comment> {
    const readers = await this.mentions.readers(typeof rawBody === 'string' ? mentionedIds(rawBody) : []);
    return this.runner.run(actor, 'comment.edit', { type: 'Comment', id }, async (tx) => {
      const { comment, post } = await this.guard.readableComment(tx, actor, id);
      this.guard.may(
        actor,
        'edit',
        'Comment',
        commentFacts(comment, post),
        'Only its author, still writing in the space, edits a comment',
      );
      notDeleted(comment, 'Comment');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      const body = contentBody(rawBody);
      const now = this.clock.now();
      await tx.manager.save(
        tx.manager.create(ContentRevision, {
          postId: post.id,
          commentId: comment.id,
          title: null,
          body: comment.body,
          label: null,
          editedById: actor.principal.userId,
          replacedAt: await replacedAt(tx, post.id, comment.id, now),
        }),
      );
      Object.assign(comment, { body, editedAt: now });
      const saved = await tx.manager.save(comment);
      const item = { postId: post.id, commentId: comment.id, spaceId: post.spaceId, authorId: comment.authorId };
      await this.mentions.record(tx, item, mentionedIds(body), readers);
      tx.audit({ subjectType: 'Comment', subjectId: comment.id, details: { postId: post.id } });
      return saved;
    });
  }

  delete(actor: WriteActor, id: string): Promise<Comment> {
    return this.runner.run(actor, 'comment.delete', { type: 'Comment', id }, async (tx) => {
      const { comment, post } = await this.guard.readableComment(tx, actor, id);
      this.guard.may(actor, 'delete', 'Comment', commentFacts(comment, post), 'Only its author deletes a comment');
      notDeleted(comment, 'Comment');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      await tx.manager
        .createQueryBuilder()
        .delete()
        .from(ContentRevision)
        .where('comment_id = :id', { id: comment.id })
        .execute();
      Object.assign(comment, { body: '', deletedAt: this.clock.now() });
      const saved = await tx.manager.save(comment);
      tx.audit({ subjectType: 'Comment', subjectId: comment.id, details: { postId: post.id } });
      return saved;
    });
  }
}

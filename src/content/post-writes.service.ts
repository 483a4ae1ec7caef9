import { Injectable } from '@nestjs/common';
import { WriteActor, WriteRunner } from '../access/write-runner';
import { WriteErrorCode, WriteException } from '../access/write.exception';
import { Clock } from '../common/clock';
import { ContentRevision } from '../database/entities/content-revision.entity';
import { Post } from '../database/entities/post.entity';
import { ContentWriteGuard, notDeleted, replacedAt, postFacts, writable } from './content-write-guard';
import { contentBody, label, labelWithin, postTitle } from './content-values';
import { CreatePostInput } from './dto/create-post.input';
import { mentionedIds, MentionsService } from './mentions';

/** Writing posts (issue 9, item 1): create, edit with history, delete to a tombstone. */
@Injectable()
export class PostWritesService {
  constructor(
    private readonly runner: WriteRunner,
    private readonly guard: ContentWriteGuard,
    private readonly mentions: MentionsService,
    private readonly clock: Clock,
  ) {}

  async create(actor: WriteActor, input: CreatePostInput): Promise<Post> {
    const named = typeof input.body === 'string' ? mentionedIds(input.body) : [];
    const readers = await this.mentions.readers(named);
    return this.runner.run(actor, 'post.create', { type: 'Space', id: input.spaceId }, async (tx) => {
      const space = await this.guard.visibleSpace(tx, actor, input.spaceId);
      this.guard.may(actor, 'post', 'Space', { id: space.id }, 'Only members who write in the space post in it');
      writable(space);
      const p = actor.principal;
      const level = labelWithin(
        input.label === null || input.label === undefined ? space.classification : label(input.label),
        space.classification,
        p.effectiveClearance,
      );
      const title = postTitle(input.title);
      const body = contentBody(input.body);
      const post = await tx.manager.save(
        tx.manager.create(Post, {
          spaceId: space.id,
          authorId: p.userId,
          authorOrganizationId: p.organizationId,
          title,
          body,
          label: level,
        }),
      );
      const item = { postId: post.id, commentId: null, spaceId: space.id, authorId: p.userId };
      await this.mentions.record(tx, item, mentionedIds(body), readers);
      tx.audit({ subjectType: 'Post', subjectId: post.id, details: { spaceId: space.id, label: level } });
      return post;
    });
  }

  async edit(actor: WriteActor, id: string, title?: string | null, body?: string | null): Promise<Post> {
    const readers = await this.mentions.readers(typeof body === 'string' ? mentionedIds(body) : []);
    return this.runner.run(actor, 'post.edit', { type: 'Post', id }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, id);
      this.guard.may(
        actor,
        'edit',
        'Post',
        postFacts(post),
        'Only its author, still writing in the space, edits a post',
      );
      notDeleted(post, 'Post');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      if ((title === null || title === undefined) && (body === null || body === undefined)) {
        throw new WriteException(WriteErrorCode.INVALID_INPUT, 'Nothing to change: give a title or a body');
      }
      const nextTitle = title === null || title === undefined ? post.title : postTitle(title);
      const nextBody = body === null || body === undefined ? post.body : contentBody(body);
      const now = this.clock.now();
      await tx.manager.save(
        tx.manager.create(ContentRevision, {
          postId: post.id,
          commentId: null,
          title: post.title,
          body: post.body,
          label: post.label,
          editedById: actor.principal.userId,
          replacedAt: await replacedAt(tx, post.id, null, now),
        }),
      );
      Object.assign(post, { title: nextTitle, body: nextBody, editedAt: now });
      const saved = await tx.manager.save(post);
      const item = { postId: post.id, commentId: null, spaceId: post.spaceId, authorId: post.authorId };
      await this.mentions.record(tx, item, mentionedIds(nextBody), readers);
      tx.audit({
        subjectType: 'Post',
        subjectId: post.id,
        details: {
          titleChanged: title !== null && title !== undefined,
          bodyChanged: body !== null && body !== undefined,
        },
      });
      return saved;
    });
  }

  delete(actor: WriteActor, id: string): Promise<Post> {
    return this.runner.run(actor, 'post.delete', { type: 'Post', id }, async (tx) => {
      const post = await this.guard.readablePost(tx, actor, id);
      this.guard.may(actor, 'delete', 'Post', postFacts(post), 'Only its author deletes a post');
      notDeleted(post, 'Post');
      writable(await this.guard.spaceOf(tx, post.spaceId));
      // A tombstone: the words go, with every earlier version; the thread and its mentions stay.
      await tx.manager
        .createQueryBuilder()
        .delete()
        .from(ContentRevision)
        .where('post_id = :id AND comment_id IS NULL', { id: post.id })
        .execute();
      Object.assign(post, { title: '', body: '', deletedAt: this.clock.now() });
      const saved = await tx.manager.save(post);
      tx.audit({ subjectType: 'Post', subjectId: post.id, details: { spaceId: post.spaceId } });
      return saved;
    });
  }
}

import { isUuid } from '../common/ids';
import { Comment } from '../database/entities/comment.entity';
import { Notification } from '../database/entities/notification.entity';
import { Post } from '../database/entities/post.entity';

/**
 * Something was written that subscribers may want: ids only, never content. Whoever
 * receives it reads the row again under their own current abilities, so an event that
 * travels through Redis carries nothing a subscriber could not read anyway.
 */
export type RealtimeEvent =
  | { kind: 'post'; id: string; spaceId: string }
  | { kind: 'comment'; id: string; postId: string }
  | { kind: 'notification'; id: string; userId: string };

/** The event of an inserted row, or null when the row is not one subscribers follow. */
export function eventOfInsert(target: unknown, row: unknown): RealtimeEvent | null {
  const r = (row ?? {}) as Record<string, unknown>;
  if (target === Post && isUuid(r.id) && isUuid(r.spaceId)) return { kind: 'post', id: r.id, spaceId: r.spaceId };
  if (target === Comment && isUuid(r.id) && isUuid(r.postId)) return { kind: 'comment', id: r.id, postId: r.postId };
  if (target === Notification && isUuid(r.id) && isUuid(r.userId))
    return { kind: 'notification', id: r.id, userId: r.userId };
  return null;
}

/** Events as another instance sent them; anything malformed is dropped. */
export function parseEvents(message: string): RealtimeEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return [];
  }
  if (!Array.isArray(value)) return [];
  const events: RealtimeEvent[] = [];
  for (const item of value) {
    const e = (item ?? {}) as Record<string, unknown>;
    if (!isUuid(e.id)) continue;
    if (e.kind === 'post' && isUuid(e.spaceId)) events.push({ kind: 'post', id: e.id, spaceId: e.spaceId });
    else if (e.kind === 'comment' && isUuid(e.postId)) events.push({ kind: 'comment', id: e.id, postId: e.postId });
    else if (e.kind === 'notification' && isUuid(e.userId))
      events.push({ kind: 'notification', id: e.id, userId: e.userId });
  }
  return events;
}

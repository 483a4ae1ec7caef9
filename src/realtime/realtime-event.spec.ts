import { Comment } from '../database/entities/comment.entity';
import { Notification } from '../database/entities/notification.entity';
import { Post } from '../database/entities/post.entity';
import { Space } from '../database/entities/space.entity';
import { eventOfInsert, parseEvents } from './realtime-event';

const A = '6f1c1a4e-8a53-4a8e-9f57-3c0a4b9d2e10';
const B = '0b7e5f0c-2d3a-4c1b-8e9f-1a2b3c4d5e6f';

describe('realtime events', () => {
  it('names the inserted posts, comments and notifications by id, and nothing else', () => {
    expect(eventOfInsert(Post, { id: A, spaceId: B, title: 'secret' })).toEqual({ kind: 'post', id: A, spaceId: B });
    expect(eventOfInsert(Comment, { id: A, postId: B, body: 'x' })).toEqual({ kind: 'comment', id: A, postId: B });
    expect(eventOfInsert(Notification, { id: A, userId: B })).toEqual({ kind: 'notification', id: A, userId: B });
    expect(eventOfInsert(Space, { id: A })).toBeNull();
    expect(eventOfInsert(Post, { spaceId: B })).toBeNull();
  });

  it('reads back what another instance published, and drops anything malformed', () => {
    const events = [
      { kind: 'post', id: A, spaceId: B },
      { kind: 'comment', id: A, postId: B },
      { kind: 'notification', id: A, userId: B },
    ];
    expect(parseEvents(JSON.stringify(events))).toEqual(events);
    expect(
      parseEvents(
        JSON.stringify([
          { kind: 'post', id: 'x', spaceId: B },
          { kind: 'space', id: A },
          null,
          { kind: 'post', id: A, spaceId: B, title: 'extra' },
        ]),
      ),
    ).toEqual([{ kind: 'post', id: A, spaceId: B }]);
    expect(parseEvents('not json')).toEqual([]);
    expect(parseEvents('{"kind":"post"}')).toEqual([]);
  });
});

import { FormEvent, useEffect, useState } from 'react';
import { useMutation, useQuery, useSubscription } from 'urql';
import type { Me } from '../app';
import { ErrorNotice, LabelBadge, Loading, SafeMarkdown } from '../components/common';
import { MentionPicker } from '../components/mention';
import {
  CommentAddedDocument,
  CommentOnPostDocument,
  CommentViewFragment,
  PostDocument,
  ReactDocument,
  UnreactDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';
import { Moderation } from '../moderation/moderation';
import { Link } from '../router';

const EMOJIS = ['👍', '❤️', '🎉', '💡'];

type Counts = { emoji: string; count: number; reactedByMe: boolean }[];

export function PostPage({ id }: { id: string; me: Me }) {
  const { t, date } = useI18n();
  const [{ data, error, fetching }, refetch] = useQuery({ query: PostDocument, variables: { id, after: null } });
  // Comments that arrived live since the page loaded (the subscription checks each against the reader's rights).
  const [live, setLive] = useState<CommentViewFragment[]>([]);
  const [flash, setFlash] = useState<string | null>(null);
  useSubscription({ query: CommentAddedDocument, variables: { postId: id } }, (_prev: unknown, event) => {
    const comment = event.commentAdded;
    setLive((all) => (all.some((c) => c.id === comment.id) ? all : [...all, comment]));
    setFlash(t('newComment', { name: comment.author.displayName }));
    return event;
  });
  useEffect(() => {
    if (data?.post) document.title = `${data.post.deleted ? t('deletedPost') : data.post.title} · Passerelle`;
  }, [data, t]);
  if (fetching && !data) return <Loading />;
  if (!data?.post) return <ErrorNotice error={error} />;
  const post = data.post;
  const loaded = new Set(post.comments.edges.map((e) => e.node.id));
  const arrived = live.filter((c) => !loaded.has(c.id));
  const comments = [...post.comments.edges.map((e) => e.node), ...arrived];
  return (
    <article>
      <p>
        <Link to={`/spaces/${post.space.id}`}>{t('backToSpace', { space: post.space.name })}</Link>
      </p>
      <div className="row">
        <LabelBadge level={post.label} />
        <h1>{post.deleted ? t('deletedPost') : post.title}</h1>
      </div>
      <p className="muted">
        {t('by', { name: post.author.displayName })} ({post.author.organization.name}) · {date(post.createdAt)}
        {post.editedAt && <> · {t('edited')}</>}
        {post.hidden && <> · {t('hiddenPost')}</>}
      </p>
      <SafeMarkdown text={post.body} />
      {post.space.viewerCan.moderate && !post.deleted && (
        <Moderation
          kind="post"
          id={post.id}
          hidden={post.hidden}
          hiddenReason={post.hiddenReason}
          onChange={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
      <Reactions
        target={{ postId: post.id }}
        counts={post.reactionCounts}
        onChange={() => refetch({ requestPolicy: 'network-only' })}
      />
      <section aria-labelledby="comments-title">
        <h2 id="comments-title">{t('comments', { n: post.comments.totalCount + arrived.length })}</h2>
        <p className="muted">{t('liveComments')}</p>
        <div className="sr-only" role="status" aria-live="polite">
          {flash}
        </div>
        <ol className="comments">
          {comments.map((c) => (
            <li key={c.id} className="card comment">
              <p className="muted">
                <strong>{c.author.displayName}</strong> ({c.author.organization.name}) · {date(c.createdAt)}
              </p>
              {c.deleted ? <p className="muted">—</p> : <SafeMarkdown text={c.body} />}
              {post.space.viewerCan.moderate && !c.deleted && (
                <Moderation
                  kind="comment"
                  id={c.id}
                  hidden={c.hidden}
                  hiddenReason={c.hiddenReason}
                  onChange={() => refetch({ requestPolicy: 'network-only' })}
                />
              )}
              <Reactions
                target={{ commentId: c.id }}
                counts={c.reactionCounts}
                onChange={() => refetch({ requestPolicy: 'network-only' })}
              />
            </li>
          ))}
        </ol>
        {!post.deleted && <CommentForm postId={post.id} onSent={(c) => setLive((all) => [...all, c])} />}
      </section>
    </article>
  );
}

function Reactions({
  target,
  counts,
  onChange,
}: {
  target: { postId?: string; commentId?: string };
  counts: Counts;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const [, react] = useMutation(ReactDocument);
  const [, unreact] = useMutation(UnreactDocument);
  const [problem, setProblem] = useState<Parameters<typeof ErrorNotice>[0]['error']>(undefined);
  const shown = [...EMOJIS, ...counts.map((c) => c.emoji).filter((e) => !EMOJIS.includes(e))];
  const toggle = async (emoji: string, mine: boolean) => {
    const answer = mine ? await unreact({ ...target, emoji }) : await react({ ...target, emoji });
    setProblem(answer.error);
    onChange();
  };
  return (
    <div className="reactions" role="group" aria-label={t('reactions')}>
      {shown.map((emoji) => {
        const c = counts.find((x) => x.emoji === emoji);
        const mine = c?.reactedByMe ?? false;
        return (
          <button
            key={emoji}
            type="button"
            className={mine ? 'reaction mine' : 'reaction'}
            aria-pressed={mine}
            aria-label={`${t('reactWith', { emoji })}${c ? ` (${c.count})` : ''}`}
            onClick={() => void toggle(emoji, mine)}
          >
            {emoji} {c ? c.count : ''}
          </button>
        );
      })}
      <ErrorNotice error={problem} />
    </div>
  );
}

function CommentForm({ postId, onSent }: { postId: string; onSent: (c: CommentViewFragment) => void }) {
  const { t } = useI18n();
  const [body, setBody] = useState('');
  const [mentioned, setMentioned] = useState<string[]>([]);
  const [result, comment] = useMutation(CommentOnPostDocument);
  const [sent, setSent] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await comment({ postId, body });
    if (answer.data) {
      onSent(answer.data.commentOnPost);
      setBody('');
      setMentioned([]);
      setSent(true);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="stack">
      <label htmlFor="comment-body">{t('yourComment')}</label>
      <textarea
        id="comment-body"
        required
        rows={3}
        value={body}
        onChange={(e) => {
          setBody(e.target.value);
          setSent(false);
        }}
      />
      <MentionPicker
        idPrefix="comment"
        onPick={(id, name) => {
          setBody((b) => `${b}${b === '' || b.endsWith(' ') || b.endsWith('\n') ? '' : ' '}@${id} `);
          setMentioned((all) => (all.includes(name) ? all : [...all, name]));
        }}
      />
      {mentioned.length > 0 && <p className="muted">{t('mentioned', { names: mentioned.join(', ') })}</p>}
      <button type="submit" disabled={result.fetching}>
        {t('comment')}
      </button>
      {sent && <p role="status">{t('commentSent')}</p>}
      <ErrorNotice error={result.error} />
    </form>
  );
}

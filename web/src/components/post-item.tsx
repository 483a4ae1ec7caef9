import { PostSummaryFragment } from '../generated/graphql';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { LabelBadge } from './common';

/** One post in a list: its label, title, space, author and comment count — never more than the API gave. */
export function PostItem({ post, showSpace }: { post: PostSummaryFragment; showSpace: boolean }) {
  const { t, date } = useI18n();
  return (
    <li className="card post-item">
      <div className="row">
        <LabelBadge level={post.label} />
        <h3>
          <Link to={`/posts/${post.id}`}>{post.deleted ? t('deletedPost') : post.title}</Link>
        </h3>
      </div>
      <p className="muted">
        {showSpace && (
          <>
            <Link to={`/spaces/${post.space.id}`}>{post.space.name}</Link> ·{' '}
          </>
        )}
        {t('by', { name: post.author.displayName })} ({post.author.organization.name}) · {date(post.createdAt)} ·{' '}
        {t('comments', { n: post.commentCount })}
        {post.hidden && <> · {t('hiddenPost')}</>}
      </p>
    </li>
  );
}

import { useEffect } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, Loading, MoreButton, Paged } from '../components/common';
import { PostItem } from '../components/post-item';
import { FeedDocument } from '../generated/graphql';
import { useI18n } from '../i18n';

export function FeedPage() {
  const { t } = useI18n();
  useEffect(() => {
    document.title = `${t('navFeed')} · Passerelle`;
  }, [t]);
  return (
    <>
      <h1>{t('navFeed')}</h1>
      <ul className="cards">
        <Paged>{(after, more, isLast) => <FeedChunk after={after} more={more} isLast={isLast} />}</Paged>
      </ul>
    </>
  );
}

function FeedChunk({ after, more, isLast }: { after: string | null; more: (c: string) => void; isLast: boolean }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery({ query: FeedDocument, variables: { after } });
  if (fetching && !data)
    return (
      <li>
        <Loading />
      </li>
    );
  if (!data)
    return (
      <li>
        <ErrorNotice error={error} />
      </li>
    );
  const page = data.feed;
  return (
    <>
      {page.edges.length === 0 && after === null && <li className="muted">{t('empty')}</li>}
      {page.edges.map(({ node }) => (
        <PostItem key={node.id} post={node} showSpace />
      ))}
      {isLast && page.pageInfo.hasNextPage && (
        <li>
          <MoreButton hasNext onMore={() => more(page.pageInfo.endCursor!)} />
        </li>
      )}
    </>
  );
}

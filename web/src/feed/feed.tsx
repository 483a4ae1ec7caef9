import { useEffect } from 'react';
import { PagedList } from '../components/paged-list';
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
      <PagedList
        query={FeedDocument}
        variables={{}}
        page={(data) => data.feed}
        item={(node) => <PostItem key={node.id} post={node} showSpace />}
      />
    </>
  );
}

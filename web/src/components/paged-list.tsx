import { ReactNode, useState } from 'react';
import { AnyVariables, TypedDocumentNode, useQuery } from 'urql';
import { useI18n } from '../i18n';
import { ErrorNotice, Loading, MoreButton } from './common';

/** What every Relay connection of the API answers. */
export interface Page<N> {
  edges: readonly { node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

interface PagedListProps<D, V extends AnyVariables, N extends { id: string }> {
  /** A query with an `after` variable; `variables` holds the others. */
  query: TypedDocumentNode<D, V>;
  variables: Omit<V, 'after'>;
  /** The connection in an answer; null when its owner is not there (answered as not found). */
  page: (data: D) => Page<N> | null | undefined;
  /** One `<li>` per node. */
  item: (node: N) => ReactNode;
  /** Only the nodes to show (e.g. spaces with something waiting); the list is empty when none is kept. */
  keep?: (node: N) => boolean;
  /** Nodes already shown above the list (live, answered): not shown twice. */
  skip?: ReadonlySet<string>;
  /** Entries shown above the pages (live ones, answers); the list is not empty while there are some. */
  before?: ReactNode[];
  empty?: string;
  live?: boolean;
}

/**
 * A Relay list shown page by page: each cursor is its own query (cached by urql), "show more"
 * asks for the next page with the last endCursor. Loading, refusals and the empty list are said
 * the same way on every page of the portal.
 */
export function PagedList<D, V extends AnyVariables, N extends { id: string }>(props: PagedListProps<D, V, N>) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const more = (cursor: string) => setCursors((all) => (all.includes(cursor) ? all : [...all, cursor]));
  return (
    <ul className="cards" aria-live={props.live ? 'polite' : undefined}>
      {props.before}
      {cursors.map((after, i) => (
        <Chunk key={after ?? ''} {...props} after={after} more={more} isLast={i === cursors.length - 1} />
      ))}
    </ul>
  );
}

function Chunk<D, V extends AnyVariables, N extends { id: string }>({
  query,
  variables,
  page: pick,
  item,
  keep,
  skip,
  before,
  empty,
  after,
  more,
  isLast,
}: PagedListProps<D, V, N> & { after: string | null; more: (cursor: string) => void; isLast: boolean }) {
  const { t } = useI18n();
  const [{ data, error, fetching }] = useQuery<D, V>({ query, variables: { ...variables, after } as unknown as V });
  if (fetching && !data)
    return (
      <li>
        <Loading />
      </li>
    );
  const page = data ? pick(data) : null;
  if (!page)
    return (
      <li>
        <ErrorNotice error={error} />
      </li>
    );
  const nodes = page.edges.map((e) => e.node).filter((node) => !skip?.has(node.id) && (keep?.(node) ?? true));
  const none = keep ? nodes.length === 0 && !page.pageInfo.hasNextPage : page.edges.length === 0;
  const nothing = after === null && none && !before?.length && !skip?.size;
  return (
    <>
      {nothing && <li className="muted">{empty ?? t('empty')}</li>}
      {nodes.map(item)}
      {isLast && page.pageInfo.hasNextPage && (
        <li>
          <MoreButton hasNext onMore={() => more(page.pageInfo.endCursor!)} />
        </li>
      )}
    </>
  );
}

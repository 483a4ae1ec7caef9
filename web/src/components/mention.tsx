import { FormEvent, KeyboardEvent, useState } from 'react';
import { useQuery } from 'urql';
import { MentionCandidatesDocument, MentionNameDocument } from '../generated/graphql';
import { useI18n } from '../i18n';

/** `@<user id>` in a body mentions someone (the API's syntax); the API tells only those who may read it. */
export const MENTION = /@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** Mentions as links `#mention-<id>`, which SafeMarkdown shows as the person's name (MentionName). */
export function linkMentions(text: string): string {
  return text.replace(MENTION, (_m, id: string) => `[@${id}](#mention-${id.toLowerCase()})`);
}

/**
 * A mentioned person's name as the API shows it to the reader; someone they do not see stays
 * unnamed. Until the API has answered, an ellipsis: never "someone" for a person who has a name.
 */
export function MentionName({ id }: { id: string }) {
  const { t } = useI18n();
  const [{ data, fetching }] = useQuery({ query: MentionNameDocument, variables: { id } });
  const name = data ? (data.user?.displayName ?? t('someone')) : fetching ? '…' : t('someone');
  return (
    <span className="mention" aria-busy={data ? undefined : fetching}>
      @{name}
    </span>
  );
}

/**
 * Finds people in the directory (users(search:): only those the caller sees) and hands the one
 * chosen to `onPick`, which writes `@<id>` into the text. Whether they are told is the API's
 * decision: only people who may read the post are.
 */
export function MentionPicker({ idPrefix, onPick }: { idPrefix: string; onPick: (id: string, name: string) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [search, setSearch] = useState('');
  const [{ data, fetching }] = useQuery({
    query: MentionCandidatesDocument,
    variables: { search },
    pause: search.length < 2,
  });
  const find = (event?: FormEvent | KeyboardEvent) => {
    event?.preventDefault();
    setSearch(draft.trim());
  };
  const people = search.length >= 2 ? (data?.users.edges ?? []) : [];
  return (
    <div className="mention-picker">
      <label htmlFor={`${idPrefix}-mention`}>{t('mentionLabel')}</label>
      <div className="row">
        <input
          id={`${idPrefix}-mention`}
          type="search"
          maxLength={200}
          placeholder={t('mentionSearch')}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') find(e);
          }}
        />
        <button type="button" className="secondary" onClick={() => find()}>
          {t('search')}
        </button>
      </div>
      {fetching && <p className="muted">{t('loading')}</p>}
      {search.length >= 2 && !fetching && people.length === 0 && <p className="muted">{t('empty')}</p>}
      {people.length > 0 && (
        <ul className="mention-results" aria-label={t('mentionResults')}>
          {people.map(({ node }) => (
            <li key={node.id}>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  onPick(node.id, node.displayName);
                  setDraft('');
                  setSearch('');
                }}
              >
                {node.displayName} · {node.organization.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p className="muted">{t('mentionHint')}</p>
    </div>
  );
}

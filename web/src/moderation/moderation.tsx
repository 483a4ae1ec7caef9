import { FormEvent, useState } from 'react';
import { useMutation } from 'urql';
import { ErrorNotice } from '../components/common';
import { HideCommentDocument, HidePostDocument, UnhideCommentDocument, UnhidePostDocument } from '../generated/graphql';
import { useI18n } from '../i18n';

/**
 * Moderation of one post or comment (the space's OWNERs and ANIMATORs: shown where
 * Space.viewerCan.moderate says so): hide with a reason, or show again.
 */
export function Moderation({
  kind,
  id,
  hidden,
  hiddenReason,
  onChange,
}: {
  kind: 'post' | 'comment';
  id: string;
  hidden: boolean;
  hiddenReason?: string | null;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [hidePost, hidePostAnswer] = useMutationPair(HidePostDocument);
  const [hideComment, hideCommentAnswer] = useMutationPair(HideCommentDocument);
  const [unhidePost, unhidePostAnswer] = useMutationPair(UnhidePostDocument);
  const [unhideComment, unhideCommentAnswer] = useMutationPair(UnhideCommentDocument);
  const hide = async (event: FormEvent) => {
    event.preventDefault();
    const answer =
      kind === 'post'
        ? await hidePost({ id, reason: reason.trim() })
        : await hideComment({ id, reason: reason.trim() });
    if (answer.data) {
      setReason('');
      onChange();
    }
  };
  const unhide = async () => {
    const answer = kind === 'post' ? await unhidePost({ id }) : await unhideComment({ id });
    if (answer.data) onChange();
  };
  const fetching = [hidePostAnswer, hideCommentAnswer, unhidePostAnswer, unhideCommentAnswer].some((a) => a.fetching);
  const error = hidePostAnswer.error ?? hideCommentAnswer.error ?? unhidePostAnswer.error ?? unhideCommentAnswer.error;
  const field = `hide-${kind}-${id}`;
  return (
    <div className="moderation">
      {hidden ? (
        <>
          <p className="notice notice-warning">
            {t(kind === 'post' ? 'postHiddenBecause' : 'commentHiddenBecause', { reason: hiddenReason ?? '—' })}
          </p>
          <button type="button" className="secondary" disabled={fetching} onClick={() => void unhide()}>
            {t(kind === 'post' ? 'unhidePost' : 'unhideComment')}
          </button>
        </>
      ) : (
        <details>
          <summary>{t(kind === 'post' ? 'hidePost' : 'hideComment')}</summary>
          <form className="stack" onSubmit={(e) => void hide(e)}>
            <label htmlFor={field}>{t('hideReason')}</label>
            <input id={field} required maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="submit" disabled={fetching}>
              {t(kind === 'post' ? 'hidePostConfirm' : 'hideCommentConfirm')}
            </button>
          </form>
        </details>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}

/** urql's pair, action first: reads better where there are four. */
function useMutationPair<D, V extends object>(doc: Parameters<typeof useMutation<D, V>>[0]) {
  const [answer, run] = useMutation<D, V>(doc);
  return [run, answer] as const;
}

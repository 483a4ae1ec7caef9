import { CombinedError } from 'urql';
import Markdown from 'react-markdown';
import { MessageKey, useI18n } from '../i18n';
import { linkMentions, MentionName } from './mention';

const LABEL_KEYS: MessageKey[] = ['label0', 'label1', 'label2', 'label3', 'label4'];

/** A label 0–4 (DESIGN: one scale everywhere) as a badge: number, name and colour. */
export function LabelBadge({ level }: { level: number }) {
  const { t } = useI18n();
  const safe = Math.min(4, Math.max(0, Math.trunc(level)));
  const name = t(LABEL_KEYS[safe]);
  return (
    <span className={`label-badge label-${safe}`} title={t('labelAria', { n: safe, name })}>
      <span aria-hidden="true">{safe}</span> {name}
    </span>
  );
}

export function labelName(t: ReturnType<typeof useI18n>['t'], level: number): string {
  return t(LABEL_KEYS[Math.min(4, Math.max(0, level))]);
}

/**
 * Markdown from people: no raw HTML (skipped), links and images through react-markdown's safe
 * URL filter; `@<user id>` mentions shown as the name the reader may see.
 */
export function SafeMarkdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <Markdown
        skipHtml
        components={{
          a: ({ href, children }) =>
            href?.startsWith('#mention-') ? (
              <MentionName id={href.slice('#mention-'.length)} />
            ) : (
              <a href={href} rel="noopener noreferrer nofollow ugc" target="_blank">
                {children}
              </a>
            ),
          // No remote images: the CSP would block them, and they leak who reads.
          img: ({ alt }) => <span className="image-alt">[{alt}]</span>,
        }}
      >
        {linkMentions(text)}
      </Markdown>
    </div>
  );
}

/** An API refusal in the reader's words; NOT_FOUND says the same for missing and invisible. */
export function ErrorNotice({ error }: { error: CombinedError | undefined }) {
  const { t } = useI18n();
  if (!error) return null;
  const first = error.graphQLErrors[0];
  const code = first?.extensions?.code;
  const reason = String(first?.extensions?.reason ?? first?.message ?? '');
  const text =
    code === 'NOT_FOUND'
      ? t('notFound')
      : code === 'FORBIDDEN'
        ? t('forbidden')
        : code === 'BAD_USER_INPUT'
          ? t('badInput', { reason })
          : code === 'CONFLICT'
            ? t('conflict', { reason })
            : t('failed');
  return (
    <p className="notice notice-error" role="alert">
      {text}
    </p>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="muted" role="status">
      {t('loading')}
    </p>
  );
}

/** "Show more": the next page of a Relay connection, asked for with its endCursor. */
export function MoreButton({ hasNext, onMore }: { hasNext: boolean; onMore: () => void }) {
  const { t } = useI18n();
  if (!hasNext) return null;
  return (
    <button type="button" className="secondary" onClick={onMore}>
      {t('loadMore')}
    </button>
  );
}

import { useId, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, labelName } from '../components/common';
import {
  PickOrganizationsDocument,
  PickPeopleDocument,
  PickPostsDocument,
  PickSpacesDocument,
} from '../generated/graphql';
import { useI18n } from '../i18n';

/**
 * Choosers for the security pages: people by search (users(search:)), spaces and organisations
 * from their lists, posts among what a person reads (viewAs); each is a labelled select, so a
 * keyboard, a screen reader and a test pick the same way.
 */
export function PersonPicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (id: string, name: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<{ id: string; name: string } | null>(null);
  const [{ data, error }] = useQuery({ query: PickPeopleDocument, variables: { search: search.trim() || null } });
  const people = (data?.users.edges ?? []).map((e) => e.node);
  const options = chosen && chosen.id === value && !people.some((p) => p.id === value) ? [chosen] : [];
  return (
    <fieldset className="picker">
      <legend>{label}</legend>
      <label htmlFor={`${id}-search`}>{t('secSearchPerson')}</label>
      <input id={`${id}-search`} type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      <label htmlFor={`${id}-select`}>{t('secPerson')}</label>
      <select
        id={`${id}-select`}
        value={value}
        onChange={(e) => {
          const person = people.find((p) => p.id === e.target.value);
          const name = person ? `${person.displayName} (${person.organization.name})` : '';
          setChosen(person ? { id: person.id, name } : null);
          onChange(e.target.value, name);
        }}
      >
        <option value="">{t('secChoose')}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
        {people.map((p) => (
          <option key={p.id} value={p.id}>
            {p.displayName} ({p.organization.name})
          </option>
        ))}
      </select>
      <ErrorNotice error={error} />
    </fieldset>
  );
}

export function SpacePicker({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (id: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [{ data, error }] = useQuery({ query: PickSpacesDocument });
  return (
    <div className="stack">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('secChoose')}</option>
        {(data?.spaces.edges ?? []).map(({ node }) => (
          <option key={node.id} value={node.id}>
            {node.name} · {node.classification} {labelName(t, node.classification)}
          </option>
        ))}
      </select>
      <ErrorNotice error={error} />
    </div>
  );
}

export function OrganizationPicker({
  label,
  value,
  onChange,
  externalOnly = false,
}: {
  label: string;
  value: string;
  onChange: (id: string, name: string) => void;
  externalOnly?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const [{ data, error }] = useQuery({ query: PickOrganizationsDocument });
  const organizations = (data?.organizations.edges ?? [])
    .map((e) => e.node)
    .filter((o) => !externalOnly || o.kind !== 'HOST');
  return (
    <div className="stack">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={value}
        onChange={(e) =>
          onChange(e.target.value, organizations.find((o) => o.id === e.target.value)?.name ?? e.target.value)
        }
      >
        <option value="">{t('secChoose')}</option>
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
            {o.status === 'SUSPENDED' ? ` — ${t('secSuspended')}` : ''}
          </option>
        ))}
      </select>
      <ErrorNotice error={error} />
    </div>
  );
}

/** A post among those a person reads (titles only within the reviewer's clearance), or any id typed in. */
export function PostPicker({
  readerId,
  value,
  onChange,
}: {
  readerId: string;
  value: string;
  onChange: (id: string) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [{ data, error }] = useQuery({
    query: PickPostsDocument,
    variables: { userId: readerId },
    pause: !readerId,
  });
  const posts = readerId ? (data?.viewAs.posts.edges ?? []).map((e) => e.node) : [];
  return (
    <div className="stack">
      <label htmlFor={`${id}-select`}>{t('secPostRead')}</label>
      <select
        id={`${id}-select`}
        value={posts.some((p) => p.id === value) ? value : ''}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{readerId ? t('secChoose') : t('secChoosePersonFirst')}</option>
        {posts.map((p) => (
          <option key={p.id} value={p.id}>
            {p.title ?? t('secTitleWithheld')} · {p.label} {labelName(t, p.label)}
          </option>
        ))}
      </select>
      <ErrorNotice error={readerId ? error : undefined} />
      <IdInput label={t('secOrPostId')} value={value} onChange={onChange} />
    </div>
  );
}

export function IdInput({ label, value, onChange }: { label: string; value: string; onChange: (id: string) => void }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => onChange(e.target.value.trim())}
      />
    </>
  );
}

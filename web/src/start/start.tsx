import { FormEvent, useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { demoIdps, discover, IdpChoice, loginHref, Notice } from '../session';

/** The start page: the work email finds the organisation's IdP (`/auth/discover`), which signs the person in. */
export function StartPage({
  returnTo,
  notice,
  askedForPage,
}: {
  returnTo: string;
  notice: Notice | null;
  askedForPage: boolean;
}) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [choices, setChoices] = useState<IdpChoice[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [demo, setDemo] = useState<IdpChoice[]>([]);

  useEffect(() => {
    document.title = `${t('startTitle')} · Passerelle`;
  }, [t]);
  useEffect(() => {
    void demoIdps().then(setDemo);
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setChoices(null);
    try {
      const found = await discover(email.trim());
      if (found.length === 1) {
        location.assign(loginHref(found[0].loginUrl, returnTo));
        return;
      }
      if (found.length === 0) setProblem(t('noIdp'));
      else setChoices(found);
    } catch {
      setProblem(t('discoverFailed'));
    }
    setBusy(false);
  };

  return (
    <div className="start">
      <h1>{t('startTitle')}</h1>
      {notice === 'signed-out' && (
        <p className="notice notice-info" role="status">
          {t('signedOutNotice')}
        </p>
      )}
      {notice === 'expired' && (
        <p className="notice notice-warning" role="alert">
          {t('expiredNotice')}
        </p>
      )}
      {!notice && askedForPage && <p className="notice notice-info">{t('signInFirst')}</p>}
      <p>{t('startIntro')}</p>
      <form onSubmit={(e) => void submit(e)} className="stack">
        <label htmlFor="email">{t('workEmail')}</label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <button type="submit" disabled={busy}>
          {busy ? t('discovering') : t('continue')}
        </button>
      </form>
      {problem && (
        <p className="notice notice-error" role="alert">
          {problem}
        </p>
      )}
      {choices && (
        <div>
          <p>{t('chooseIdp')}</p>
          <ul className="choices">
            {choices.map((c) => (
              <li key={c.loginUrl}>
                <a className="button" href={loginHref(c.loginUrl, returnTo)}>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {demo.length > 0 && (
        <section className="demo" aria-labelledby="demo-title">
          <h2 id="demo-title">{t('demoTitle')}</h2>
          <p className="muted">{t('demoIntro')}</p>
          <ul className="choices">
            {demo.map((c) => (
              <li key={c.loginUrl}>
                <a className="button secondary" href={loginHref(c.loginUrl, returnTo)}>
                  {c.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

import { Locale } from '../common/domain.enums';
import { NOTIFICATION_TEXTS, noticeBody, noticeTitle } from './notification-texts';
import type { NotificationKind } from './notifications.service';

const KINDS = Object.keys(NOTIFICATION_TEXTS) as NotificationKind[];
const DATA = { role: 'OBSERVER', expiresAt: '2027-03-01T10:00:00Z', reason: 'Fin du contrat', count: 2 };

describe('notification texts', () => {
  for (const kind of KINDS)
    for (const locale of [Locale.FR, Locale.EN])
      for (const spaceName of ['Open lab', null])
        it(`${kind} in ${locale}, space ${spaceName === null ? 'invisible' : 'visible'}`, () => {
          const ctx = { kind, locale, data: DATA, spaceName };
          const title = noticeTitle(ctx);
          const body = noticeBody(ctx);
          for (const text of [title, body]) expect(text).not.toMatch(/\{\{|\}\}|undefined|null|NaN|\[object/);
          expect(title.length).toBeGreaterThan(3);
          expect(body.length).toBeGreaterThan(10);
          if (spaceName === null) expect(body).not.toContain('Open lab');
          const other = noticeTitle({ ...ctx, locale: locale === Locale.FR ? Locale.EN : Locale.FR });
          if (!['Notification'].includes(title)) expect(other).not.toBe(title);
        });

  it('never takes a name from the data, only values', () => {
    const body = noticeBody({
      kind: 'membership.revoked',
      locale: Locale.FR,
      data: { spaceName: 'Secret plan', reason: 'fin' },
      spaceName: null,
    });
    expect(body).toBe('Votre accès à un espace a été révoqué. Motif : fin');
  });

  it('says something generic for a kind it does not know', () => {
    expect(noticeTitle({ kind: 'x.y', locale: Locale.EN, data: {}, spaceName: null })).toBe('Notification');
    expect(noticeBody({ kind: 'x.y', locale: Locale.FR, data: {}, spaceName: null })).toBe(
      'Un changement vous concerne sur Passerelle.',
    );
  });
});

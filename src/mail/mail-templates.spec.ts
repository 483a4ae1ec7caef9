import { Locale } from '../common/domain.enums';
import { MAIL_TEMPLATES, renderMail } from './mail-templates';
import type { MailTemplate } from './mail.service';

const SAMPLE = {
  spaceName: 'Atelier <Mobilité> & co',
  inviterName: 'Olga Owner',
  inviteeEmail: 'alice@acme.test',
  organizationName: 'Acme',
  approverName: 'Ada Admin',
  memberName: 'Alice Acme',
  previousSponsorName: 'Sam Staff',
  userName: 'Arno Acme',
  role: 'MEMBER',
  expiresAt: '2027-03-01T10:00:00.000Z',
  invitationExpiresAt: '2026-12-15T10:00:00.000Z',
  message: 'Bienvenue !\nÀ bientôt.',
  reason: 'Fin du contrat',
  count: 3,
  link: 'https://passerelle.example/auth/welcome',
  deadlineAt: '2027-01-15T10:00:00.000Z',
};

const TEMPLATES = Object.keys(MAIL_TEMPLATES) as MailTemplate[];

describe('mail templates', () => {
  it('covers every template key in French and English', () => {
    expect(TEMPLATES.sort()).toEqual(
      [
        'invitation',
        'invitation.approval_needed',
        'invitation.approved',
        'invitation.rejected',
        'membership.renewal_due',
        'membership.revoked',
        'sponsorship.transferred',
        'recertification.requested',
        'recertification.lapsed',
        'organization.suspended',
        'organization.reactivated',
        'user.disabled',
      ].sort(),
    );
  });

  for (const template of TEMPLATES)
    for (const locale of [Locale.FR, Locale.EN])
      it(`renders ${template} in ${locale} with no placeholder or undefined left`, () => {
        const mail = renderMail(template, locale, SAMPLE);
        for (const part of [mail.subject, mail.text, mail.html]) {
          expect(part).not.toMatch(/\{\{|\}\}|undefined|null|NaN|\[object/);
        }
        expect(mail.subject).not.toMatch(/[\r\n]/);
        expect(mail.subject.length).toBeGreaterThan(5);
        // Names given are used, and HTML gets them escaped.
        if (mail.text.includes('Atelier')) expect(mail.html).toContain('Atelier &lt;Mobilité&gt; &amp; co');
        expect(mail.html).not.toContain('<Mobilité>');
        // French and English differ: the locale chose the text.
        const other = renderMail(template, locale === Locale.FR ? Locale.EN : Locale.FR, SAMPLE);
        expect(other.subject).not.toEqual(mail.subject);
      });

  it('writes the invitation with its space, inviter, role, grant expiry, message and link, in French', () => {
    const mail = renderMail('invitation', Locale.FR, SAMPLE);
    expect(mail.subject).toBe('Invitation à rejoindre l’espace « Atelier <Mobilité> & co »');
    expect(mail.text).toContain('Olga Owner vous invite à rejoindre l’espace « Atelier <Mobilité> & co »');
    expect(mail.text).toContain('en tant que membre.');
    expect(mail.text).toContain('jusqu’au 1 mars 2027');
    expect(mail.text).toContain('Bienvenue !\nÀ bientôt.');
    expect(mail.text).toContain('https://passerelle.example/auth/welcome');
    expect(mail.html).toContain('<a href="https://passerelle.example/auth/welcome">');
    expect(mail.html).toContain('Bienvenue !<br>À bientôt.');
  });

  it('writes it in English for an English reader', () => {
    const mail = renderMail('invitation', Locale.EN, SAMPLE);
    expect(mail.subject).toBe('Invitation to join the space “Atelier <Mobilité> & co”');
    expect(mail.text).toContain('as member.');
    expect(mail.text).toContain('until 1 March 2027');
  });

  it('keeps a subject on one line whatever the parameters carry (no header injection)', () => {
    const mail = renderMail('invitation', Locale.FR, {
      ...SAMPLE,
      spaceName: 'Lab\r\nBcc: victim@evil.test\n',
    });
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject).toBe('Invitation à rejoindre l’espace « Lab Bcc: victim@evil.test »');
  });

  it('leaves out what it was not given, rather than printing a hole', () => {
    const mail = renderMail('invitation', Locale.FR, { spaceName: 'Lab' });
    expect(mail.text).not.toMatch(/\{\{|undefined|Son message/);
    expect(mail.text).toContain('Vous êtes invité à rejoindre un espace sur Passerelle.');
    const bare = renderMail('membership.revoked', Locale.EN, {});
    expect(bare.subject).toBe('Your access to a space has ended');
  });

  it('never links anything but a web address', () => {
    const mail = renderMail('invitation', Locale.FR, { ...SAMPLE, link: 'javascript:alert(1)' });
    expect(mail.html).not.toContain('javascript:');
    expect(mail.text).not.toContain('javascript:');
  });

  it('refuses an unknown template', () => {
    expect(() => renderMail('nope', Locale.FR, {})).toThrow('unknown mail template');
  });
});

import { Locale } from '../common/domain.enums';
import type { MailTemplate } from './mail.service';
import { escapeHtml, fillLine, oneLine, paramValue, safeLink, TextLine } from './text-format';

interface TemplateText {
  subject: TextLine;
  /** Paragraphs; one whose placeholders lack values is left out (see fillLine). */
  body: TextLine[];
}

/**
 * The parameters each template reads; all are optional (a paragraph without its values is
 * left out), plain values only: names the recipient may see, dates (ISO strings), the
 * inviter's message, a link (http or https only). `role` is a MembershipRole.
 */
export interface MailParams {
  spaceName?: string;
  inviterName?: string;
  inviteeEmail?: string;
  organizationName?: string;
  approverName?: string;
  memberName?: string;
  previousSponsorName?: string;
  userName?: string;
  role?: string;
  /** The end of the grant (the membership's expiry). */
  expiresAt?: string;
  /** The end of the invitation itself (unanswered, it expires). */
  invitationExpiresAt?: string;
  message?: string;
  reason?: string;
  count?: number;
  link?: string;
  /** A recertification campaign's deadline. */
  deadlineAt?: string;
}

const FOOTER: Record<Locale, TextLine> = {
  [Locale.FR]: 'Ce message vous est envoyé automatiquement par Passerelle. Merci de ne pas y répondre.',
  [Locale.EN]: 'This message was sent automatically by Passerelle. Please do not reply to it.',
};

/** Every template, in French (the default) and English. */
export const MAIL_TEMPLATES: Record<MailTemplate, Record<Locale, TemplateText>> = {
  invitation: {
    [Locale.FR]: {
      subject: ['Invitation à rejoindre l’espace « {{spaceName}} »', 'Invitation à rejoindre un espace Passerelle'],
      body: [
        'Bonjour,',
        [
          '{{inviterName}} vous invite à rejoindre l’espace « {{spaceName}} » sur Passerelle en tant que {{role}}.',
          'Vous êtes invité à rejoindre l’espace « {{spaceName}} » sur Passerelle en tant que {{role}}.',
          'Vous êtes invité à rejoindre un espace sur Passerelle.',
        ],
        'Son message :\n{{message}}',
        'Votre accès sera valable jusqu’au {{expiresAt}}.',
        'Cette invitation expire le {{invitationExpiresAt}} si vous n’y répondez pas.',
        'Pour l’accepter, connectez-vous avec le compte de votre organisation : {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Invitation to join the space “{{spaceName}}”', 'Invitation to join a Passerelle space'],
      body: [
        'Hello,',
        [
          '{{inviterName}} invites you to join the space “{{spaceName}}” on Passerelle as {{role}}.',
          'You are invited to join the space “{{spaceName}}” on Passerelle as {{role}}.',
          'You are invited to join a space on Passerelle.',
        ],
        'Their message:\n{{message}}',
        'Your access will be valid until {{expiresAt}}.',
        'This invitation expires on {{invitationExpiresAt}} if you do not answer it.',
        'To accept it, sign in with your organisation’s account: {{link}}',
      ],
    },
  },
  'invitation.approval_needed': {
    [Locale.FR]: {
      subject: ['Invitation à approuver : espace « {{spaceName}} »', 'Une invitation attend votre approbation'],
      body: [
        'Bonjour,',
        [
          '{{inviterName}} a invité {{inviteeEmail}} dans l’espace « {{spaceName}} » en tant que {{role}}.',
          '{{inviterName}} a invité l’organisation {{organizationName}} dans l’espace « {{spaceName}} » en tant que {{role}}.',
          'Une invitation dans l’espace « {{spaceName}} » attend une seconde approbation.',
          'Une invitation attend une seconde approbation.',
        ],
        'Cet espace est classifié : l’invitation d’une personne extérieure doit être approuvée par un second propriétaire ou un administrateur avant d’être envoyée.',
        'Pour l’approuver ou la refuser : {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Invitation to approve: space “{{spaceName}}”', 'An invitation awaits your approval'],
      body: [
        'Hello,',
        [
          '{{inviterName}} invited {{inviteeEmail}} to the space “{{spaceName}}” as {{role}}.',
          '{{inviterName}} invited the organisation {{organizationName}} to the space “{{spaceName}}” as {{role}}.',
          'An invitation to the space “{{spaceName}}” awaits a second approval.',
          'An invitation awaits a second approval.',
        ],
        'This space is classified: inviting an external person must be approved by a second owner or an administrator before the invitation is sent.',
        'To approve or reject it: {{link}}',
      ],
    },
  },
  'invitation.approved': {
    [Locale.FR]: {
      subject: ['Invitation approuvée : espace « {{spaceName}} »', 'Votre invitation a été approuvée'],
      body: [
        'Bonjour,',
        [
          '{{approverName}} a approuvé votre invitation de {{inviteeEmail}} dans l’espace « {{spaceName}} ».',
          'Votre invitation de {{inviteeEmail}} dans l’espace « {{spaceName}} » a été approuvée.',
          'Votre invitation dans l’espace « {{spaceName}} » a été approuvée.',
          'Votre invitation a été approuvée.',
        ],
        'L’invitation a été envoyée. {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Invitation approved: space “{{spaceName}}”', 'Your invitation was approved'],
      body: [
        'Hello,',
        [
          '{{approverName}} approved your invitation of {{inviteeEmail}} to the space “{{spaceName}}”.',
          'Your invitation of {{inviteeEmail}} to the space “{{spaceName}}” was approved.',
          'Your invitation to the space “{{spaceName}}” was approved.',
          'Your invitation was approved.',
        ],
        'The invitation has been sent. {{link}}',
      ],
    },
  },
  'invitation.rejected': {
    [Locale.FR]: {
      subject: ['Invitation refusée : espace « {{spaceName}} »', 'Votre invitation a été refusée'],
      body: [
        'Bonjour,',
        [
          'Votre invitation de {{inviteeEmail}} dans l’espace « {{spaceName}} » a été refusée à l’approbation.',
          'Votre invitation dans l’espace « {{spaceName}} » a été refusée à l’approbation.',
          'Votre invitation a été refusée à l’approbation.',
        ],
        'Motif : {{reason}}',
        '{{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Invitation rejected: space “{{spaceName}}”', 'Your invitation was rejected'],
      body: [
        'Hello,',
        [
          'Your invitation of {{inviteeEmail}} to the space “{{spaceName}}” was rejected at approval.',
          'Your invitation to the space “{{spaceName}}” was rejected at approval.',
          'Your invitation was rejected at approval.',
        ],
        'Reason: {{reason}}',
        '{{link}}',
      ],
    },
  },
  'membership.renewal_due': {
    [Locale.FR]: {
      subject: [
        'Accès à renouveler : {{memberName}} dans « {{spaceName}} »',
        'Un accès que vous parrainez arrive à échéance',
      ],
      body: [
        'Bonjour,',
        [
          'L’accès de {{memberName}} à l’espace « {{spaceName}} », que vous parrainez, prend fin le {{expiresAt}}.',
          'Un accès à l’espace « {{spaceName}} » que vous parrainez prend fin le {{expiresAt}}.',
          'Un accès que vous parrainez arrive à échéance.',
        ],
        'Sans renouvellement, il sera clos à cette date.',
        'Pour le renouveler : {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Access to renew: {{memberName}} in “{{spaceName}}”', 'An access you sponsor is about to end'],
      body: [
        'Hello,',
        [
          'The access of {{memberName}} to the space “{{spaceName}}”, which you sponsor, ends on {{expiresAt}}.',
          'An access to the space “{{spaceName}}” that you sponsor ends on {{expiresAt}}.',
          'An access you sponsor is about to end.',
        ],
        'Unless it is renewed, it will end on that date.',
        'To renew it: {{link}}',
      ],
    },
  },
  'membership.revoked': {
    [Locale.FR]: {
      subject: ['Votre accès à l’espace « {{spaceName}} » a pris fin', 'Votre accès à un espace a pris fin'],
      body: [
        'Bonjour,',
        ['Votre accès à l’espace « {{spaceName}} » a été révoqué.', 'Votre accès à un espace a été révoqué.'],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Your access to the space “{{spaceName}}” has ended', 'Your access to a space has ended'],
      body: [
        'Hello,',
        ['Your access to the space “{{spaceName}}” was revoked.', 'Your access to a space was revoked.'],
        'Reason: {{reason}}',
      ],
    },
  },
  'sponsorship.transferred': {
    [Locale.FR]: {
      subject: ['Vous parrainez désormais des accès externes', 'Vous parrainez désormais des accès externes'],
      body: [
        'Bonjour,',
        [
          '{{previousSponsorName}} ne peut plus parrainer ses accès externes : {{count}} accès de l’espace « {{spaceName}} » vous sont confiés.',
          '{{count}} accès externes de l’espace « {{spaceName}} » vous sont confiés : leur parrain ne peut plus les suivre.',
          'Des accès externes vous sont confiés : leur parrain ne peut plus les suivre.',
        ],
        'Vous serez invité à les renouveler avant leur échéance. {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['You now sponsor external accesses', 'You now sponsor external accesses'],
      body: [
        'Hello,',
        [
          '{{previousSponsorName}} can no longer sponsor their external accesses: {{count}} in the space “{{spaceName}}” are now yours.',
          '{{count}} external accesses of the space “{{spaceName}}” are now yours: their sponsor can no longer follow them.',
          'External accesses are now yours: their sponsor can no longer follow them.',
        ],
        'You will be asked to renew them before they end. {{link}}',
      ],
    },
  },
  'recertification.requested': {
    [Locale.FR]: {
      subject: ['Accès externes à recertifier avant le {{deadlineAt}}', 'Accès externes à recertifier'],
      body: [
        'Bonjour,',
        [
          'Une campagne de recertification vous confie {{count}} accès externes : confirmez ou révoquez chacun avant le {{deadlineAt}}.',
          'Une campagne de recertification vous confie des accès externes : confirmez ou révoquez chacun.',
        ],
        'Un accès que personne ne confirme à temps prend fin de lui-même.',
        'Pour les examiner : {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['External accesses to recertify by {{deadlineAt}}', 'External accesses to recertify'],
      body: [
        'Hello,',
        [
          'A recertification campaign gives you {{count}} external accesses: certify or revoke each one by {{deadlineAt}}.',
          'A recertification campaign gives you external accesses: certify or revoke each one.',
        ],
        'An access nobody confirms in time ends on its own.',
        'To review them: {{link}}',
      ],
    },
  },
  'recertification.lapsed': {
    [Locale.FR]: {
      subject: ['Accès non recertifiés : {{count}} accès ont pris fin', 'Des accès non recertifiés ont pris fin'],
      body: [
        'Bonjour,',
        [
          '{{count}} accès externes que vous suiviez n’ont pas été confirmés avant le {{deadlineAt}} : ils ont pris fin.',
          'Des accès externes que vous suiviez n’ont pas été confirmés à temps : ils ont pris fin.',
        ],
        'Pour rouvrir un accès, invitez à nouveau la personne. {{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Accesses not recertified: {{count}} have ended', 'Accesses not recertified have ended'],
      body: [
        'Hello,',
        [
          '{{count}} external accesses you followed were not confirmed by {{deadlineAt}}: they have ended.',
          'External accesses you followed were not confirmed in time: they have ended.',
        ],
        'To open an access again, invite the person again. {{link}}',
      ],
    },
  },
  'organization.suspended': {
    [Locale.FR]: {
      subject: ['Organisation suspendue : {{organizationName}}', 'Une organisation a été suspendue'],
      body: [
        'Bonjour,',
        [
          'L’organisation {{organizationName}} a été suspendue sur Passerelle : ses sessions, ses accès et ses invitations en attente ont pris fin.',
          'Une organisation a été suspendue sur Passerelle : ses sessions, ses accès et ses invitations en attente ont pris fin.',
        ],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Organisation suspended: {{organizationName}}', 'An organisation was suspended'],
      body: [
        'Hello,',
        [
          'The organisation {{organizationName}} was suspended on Passerelle: its sessions, accesses and pending invitations have ended.',
          'An organisation was suspended on Passerelle: its sessions, accesses and pending invitations have ended.',
        ],
        'Reason: {{reason}}',
      ],
    },
  },
  'organization.reactivated': {
    [Locale.FR]: {
      subject: ['Organisation réactivée : {{organizationName}}', 'Une organisation a été réactivée'],
      body: [
        'Bonjour,',
        [
          'L’organisation {{organizationName}} a été réactivée sur Passerelle.',
          'Une organisation a été réactivée sur Passerelle.',
        ],
        'Les accès qui n’ont pas expiré entre-temps sont rétablis ; les invitations closes ne le sont pas.',
        '{{link}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Organisation reactivated: {{organizationName}}', 'An organisation was reactivated'],
      body: [
        'Hello,',
        [
          'The organisation {{organizationName}} was reactivated on Passerelle.',
          'An organisation was reactivated on Passerelle.',
        ],
        'Accesses that have not expired meanwhile are restored; closed invitations are not.',
        '{{link}}',
      ],
    },
  },
  'user.disabled': {
    [Locale.FR]: {
      subject: ['Compte désactivé : {{userName}}', 'Un compte a été désactivé'],
      body: [
        'Bonjour,',
        [
          'Le compte de {{userName}} a été désactivé sur Passerelle : ses sessions et ses accès ont pris fin.',
          'Un compte a été désactivé sur Passerelle : ses sessions et ses accès ont pris fin.',
        ],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      subject: ['Account disabled: {{userName}}', 'An account was disabled'],
      body: [
        'Hello,',
        [
          'The account of {{userName}} was disabled on Passerelle: their sessions and accesses have ended.',
          'An account was disabled on Passerelle: their sessions and accesses have ended.',
        ],
        'Reason: {{reason}}',
      ],
    },
  },
};

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export class UnknownMailTemplateError extends Error {}

export function isMailTemplate(key: string): key is MailTemplate {
  return Object.prototype.hasOwnProperty.call(MAIL_TEMPLATES, key);
}

/** A message in the recipient's language (French unless English), its parameters made safe. */
export function renderMail(template: string, locale: Locale, params: Record<string, unknown>): RenderedMail {
  if (!isMailTemplate(template)) throw new UnknownMailTemplateError(`unknown mail template ${template}`);
  const text = MAIL_TEMPLATES[template][locale] ?? MAIL_TEMPLATES[template][Locale.FR];
  const link = safeLink(params.link);
  const plain = (key: string) => (key === 'link' ? link : paramValue(key, params[key], locale));
  const html = (key: string) => {
    if (key === 'link') return link && `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
    const v = plain(key);
    return v === null ? null : escapeHtml(v).replace(/\n/g, '<br>');
  };
  const lines = [...text.body, FOOTER[locale]];
  const paragraphs = lines.flatMap((l) => fillLine(l, plain) ?? []);
  const htmlParagraphs = lines.flatMap((l) => fillLine(l, html, (t) => escapeHtml(t).replace(/\n/g, '<br>')) ?? []);
  return {
    subject: oneLine(fillLine(text.subject, plain) ?? 'Passerelle'),
    text: paragraphs.join('\n\n') + '\n',
    html:
      `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"></head><body>` +
      htmlParagraphs.map((p) => `<p>${p}</p>`).join('') +
      '</body></html>',
  };
}

import { Locale } from '../common/domain.enums';
import { fillLine, oneLine, paramValue, TextLine } from '../mail/text-format';
import type { NotificationKind } from './notifications.service';

interface NoticeText {
  title: TextLine;
  /** Sentences; one whose values are missing is left out (see fillLine). */
  body: TextLine[];
}

type Texts = Record<Locale, NoticeText>;

/**
 * Every notice in French and English. `{{spaceName}}` is filled only when the reader still
 * sees the space (otherwise the text falls back to an alternative without it); the other
 * values come from the notice's `data`: role, expiresAt (or until), reason, count.
 */
export const NOTIFICATION_TEXTS: Record<NotificationKind, Texts> = {
  'invitation.received': {
    [Locale.FR]: {
      title: 'Nouvelle invitation',
      body: [
        [
          'Vous êtes invité à rejoindre l’espace « {{spaceName}} » en tant que {{role}}.',
          'Vous êtes invité à rejoindre un espace en tant que {{role}}.',
          'Vous êtes invité à rejoindre un espace.',
        ],
        'Votre accès serait valable jusqu’au {{expiresAt}}.',
      ],
    },
    [Locale.EN]: {
      title: 'New invitation',
      body: [
        [
          'You are invited to join the space “{{spaceName}}” as {{role}}.',
          'You are invited to join a space as {{role}}.',
          'You are invited to join a space.',
        ],
        'Your access would be valid until {{expiresAt}}.',
      ],
    },
  },
  'invitation.approval_needed': {
    [Locale.FR]: {
      title: 'Invitation à approuver',
      body: [
        [
          'Une invitation d’une personne extérieure dans l’espace « {{spaceName}} » attend votre approbation.',
          'Une invitation d’une personne extérieure attend votre approbation.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Invitation to approve',
      body: [
        [
          'An invitation of an external person to the space “{{spaceName}}” awaits your approval.',
          'An invitation of an external person awaits your approval.',
        ],
      ],
    },
  },
  'invitation.approved': {
    [Locale.FR]: {
      title: 'Invitation approuvée',
      body: [
        [
          'Votre invitation dans l’espace « {{spaceName}} » a été approuvée et envoyée.',
          'Votre invitation a été approuvée et envoyée.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Invitation approved',
      body: [
        [
          'Your invitation to the space “{{spaceName}}” was approved and sent.',
          'Your invitation was approved and sent.',
        ],
      ],
    },
  },
  'invitation.rejected': {
    [Locale.FR]: {
      title: 'Invitation refusée',
      body: [
        [
          'Votre invitation dans l’espace « {{spaceName}} » a été refusée à l’approbation.',
          'Votre invitation a été refusée à l’approbation.',
        ],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      title: 'Invitation rejected',
      body: [
        [
          'Your invitation to the space “{{spaceName}}” was rejected at approval.',
          'Your invitation was rejected at approval.',
        ],
        'Reason: {{reason}}',
      ],
    },
  },
  'invitation.revoked': {
    [Locale.FR]: {
      title: 'Invitation retirée',
      body: [
        ['Une invitation dans l’espace « {{spaceName}} » a été retirée.', 'Une invitation a été retirée.'],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      title: 'Invitation withdrawn',
      body: [
        ['An invitation to the space “{{spaceName}}” was withdrawn.', 'An invitation was withdrawn.'],
        'Reason: {{reason}}',
      ],
    },
  },
  'invitation.accepted': {
    [Locale.FR]: {
      title: 'Invitation acceptée',
      body: [['Une invitation dans l’espace « {{spaceName}} » a été acceptée.', 'Une invitation a été acceptée.']],
    },
    [Locale.EN]: {
      title: 'Invitation accepted',
      body: [['An invitation to the space “{{spaceName}}” was accepted.', 'An invitation was accepted.']],
    },
  },
  'invitation.declined': {
    [Locale.FR]: {
      title: 'Invitation déclinée',
      body: [['Une invitation dans l’espace « {{spaceName}} » a été déclinée.', 'Une invitation a été déclinée.']],
    },
    [Locale.EN]: {
      title: 'Invitation declined',
      body: [['An invitation to the space “{{spaceName}}” was declined.', 'An invitation was declined.']],
    },
  },
  'invitation.expired': {
    [Locale.FR]: {
      title: 'Invitation expirée',
      body: [
        [
          'Une invitation dans l’espace « {{spaceName}} » a expiré sans réponse.',
          'Une invitation a expiré sans réponse.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Invitation expired',
      body: [['An invitation to the space “{{spaceName}}” expired unanswered.', 'An invitation expired unanswered.']],
    },
  },
  'membership.granted': {
    [Locale.FR]: {
      title: 'Accès accordé',
      body: [
        [
          'Vous avez rejoint l’espace « {{spaceName}} » en tant que {{role}}.',
          'Vous avez rejoint un espace en tant que {{role}}.',
          'Vous avez rejoint un espace.',
        ],
        'Votre accès est valable jusqu’au {{expiresAt}}.',
      ],
    },
    [Locale.EN]: {
      title: 'Access granted',
      body: [
        ['You joined the space “{{spaceName}}” as {{role}}.', 'You joined a space as {{role}}.', 'You joined a space.'],
        'Your access is valid until {{expiresAt}}.',
      ],
    },
  },
  'membership.changed': {
    [Locale.FR]: {
      title: 'Accès modifié',
      body: [
        ['Votre accès à l’espace « {{spaceName}} » a été modifié.', 'Votre accès à un espace a été modifié.'],
        'Rôle : {{role}}.',
        'Valable jusqu’au {{expiresAt}}.',
      ],
    },
    [Locale.EN]: {
      title: 'Access changed',
      body: [
        ['Your access to the space “{{spaceName}}” was changed.', 'Your access to a space was changed.'],
        'Role: {{role}}.',
        'Valid until {{expiresAt}}.',
      ],
    },
  },
  'membership.renewal_due': {
    [Locale.FR]: {
      title: 'Accès à renouveler',
      body: [
        [
          'Un accès que vous parrainez dans l’espace « {{spaceName}} » prend fin le {{expiresAt}}.',
          'Un accès que vous parrainez prend fin le {{expiresAt}}.',
          'Un accès que vous parrainez arrive à échéance.',
        ],
        'Sans renouvellement, il sera clos à cette date.',
      ],
    },
    [Locale.EN]: {
      title: 'Access to renew',
      body: [
        [
          'An access you sponsor in the space “{{spaceName}}” ends on {{expiresAt}}.',
          'An access you sponsor ends on {{expiresAt}}.',
          'An access you sponsor is about to end.',
        ],
        'Unless it is renewed, it will end on that date.',
      ],
    },
  },
  'membership.renewed': {
    [Locale.FR]: {
      title: 'Accès renouvelé',
      body: [
        [
          'Votre accès à l’espace « {{spaceName}} » est renouvelé jusqu’au {{expiresAt}}.',
          'Votre accès à un espace est renouvelé jusqu’au {{expiresAt}}.',
          'Votre accès à un espace est renouvelé.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Access renewed',
      body: [
        [
          'Your access to the space “{{spaceName}}” is renewed until {{expiresAt}}.',
          'Your access to a space is renewed until {{expiresAt}}.',
          'Your access to a space is renewed.',
        ],
      ],
    },
  },
  'membership.revoked': {
    [Locale.FR]: {
      title: 'Accès révoqué',
      body: [
        ['Votre accès à l’espace « {{spaceName}} » a été révoqué.', 'Votre accès à un espace a été révoqué.'],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      title: 'Access revoked',
      body: [
        ['Your access to the space “{{spaceName}}” was revoked.', 'Your access to a space was revoked.'],
        'Reason: {{reason}}',
      ],
    },
  },
  'membership.expired': {
    [Locale.FR]: {
      title: 'Accès expiré',
      body: [
        [
          'Votre accès à l’espace « {{spaceName}} » a pris fin à son échéance.',
          'Votre accès à un espace a pris fin à son échéance.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Access expired',
      body: [
        [
          'Your access to the space “{{spaceName}}” ended at its expiry.',
          'Your access to a space ended at its expiry.',
        ],
      ],
    },
  },
  'recertification.requested': {
    [Locale.FR]: {
      title: 'Accès à recertifier',
      body: [
        [
          '{{count}} accès externes que vous suivez sont à confirmer ou à révoquer avant le {{deadlineAt}}.',
          'Des accès externes que vous suivez sont à confirmer ou à révoquer.',
        ],
        'Sans confirmation à cette date, ils prendront fin.',
      ],
    },
    [Locale.EN]: {
      title: 'Accesses to recertify',
      body: [
        [
          '{{count}} external accesses you follow are to be certified or revoked before {{deadlineAt}}.',
          'External accesses you follow are to be certified or revoked.',
        ],
        'Unless confirmed by then, they will end.',
      ],
    },
  },
  'recertification.lapsed': {
    [Locale.FR]: {
      title: 'Accès non recertifié',
      body: [
        [
          'Un accès externe de l’espace « {{spaceName}} » que vous suiviez n’a pas été confirmé à temps : il a pris fin.',
          'Un accès externe que vous suiviez n’a pas été confirmé à temps : il a pris fin.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Access not recertified',
      body: [
        [
          'An external access to the space “{{spaceName}}” that you followed was not confirmed in time: it has ended.',
          'An external access that you followed was not confirmed in time: it has ended.',
        ],
      ],
    },
  },
  'membership.suspended': {
    [Locale.FR]: {
      title: 'Accès suspendu',
      body: [
        ['Votre accès à l’espace « {{spaceName}} » est suspendu.', 'Votre accès à un espace est suspendu.'],
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      title: 'Access suspended',
      body: [
        ['Your access to the space “{{spaceName}}” is suspended.', 'Your access to a space is suspended.'],
        'Reason: {{reason}}',
      ],
    },
  },
  'membership.restored': {
    [Locale.FR]: {
      title: 'Accès rétabli',
      body: [['Votre accès à l’espace « {{spaceName}} » est rétabli.', 'Votre accès à un espace est rétabli.']],
    },
    [Locale.EN]: {
      title: 'Access restored',
      body: [['Your access to the space “{{spaceName}}” is restored.', 'Your access to a space is restored.']],
    },
  },
  'sponsorship.transferred': {
    [Locale.FR]: {
      title: 'Parrainages transférés',
      body: [
        [
          '{{count}} accès externes de l’espace « {{spaceName}} » vous sont confiés : leur parrain ne peut plus les suivre.',
          '{{count}} accès externes vous sont confiés : leur parrain ne peut plus les suivre.',
          'Des accès externes vous sont confiés : leur parrain ne peut plus les suivre.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Sponsorships transferred',
      body: [
        [
          '{{count}} external accesses of the space “{{spaceName}}” are now yours: their sponsor can no longer follow them.',
          '{{count}} external accesses are now yours: their sponsor can no longer follow them.',
          'External accesses are now yours: their sponsor can no longer follow them.',
        ],
      ],
    },
  },
  'organization.suspended': {
    [Locale.FR]: {
      title: 'Organisation suspendue',
      body: [
        'Une organisation a été suspendue : ses sessions, ses accès et ses invitations en attente ont pris fin.',
        'Motif : {{reason}}',
      ],
    },
    [Locale.EN]: {
      title: 'Organisation suspended',
      body: [
        'An organisation was suspended: its sessions, accesses and pending invitations have ended.',
        'Reason: {{reason}}',
      ],
    },
  },
  'organization.reactivated': {
    [Locale.FR]: {
      title: 'Organisation réactivée',
      body: ['Une organisation a été réactivée : les accès qui n’ont pas expiré entre-temps sont rétablis.'],
    },
    [Locale.EN]: {
      title: 'Organisation reactivated',
      body: ['An organisation was reactivated: accesses that have not expired meanwhile are restored.'],
    },
  },
  'user.disabled': {
    [Locale.FR]: {
      title: 'Compte désactivé',
      body: ['Un compte a été désactivé : ses sessions et ses accès ont pris fin.', 'Motif : {{reason}}'],
    },
    [Locale.EN]: {
      title: 'Account disabled',
      body: ['An account was disabled: its sessions and accesses have ended.', 'Reason: {{reason}}'],
    },
  },
  // Conversations: ids only in data, never a title or a body; the space named while visible.
  'post.mentioned': {
    [Locale.FR]: {
      title: 'Vous êtes mentionné',
      body: [['Une publication de l’espace « {{spaceName}} » vous mentionne.', 'Une publication vous mentionne.']],
    },
    [Locale.EN]: {
      title: 'You were mentioned',
      body: [['A post in the space “{{spaceName}}” mentions you.', 'A post mentions you.']],
    },
  },
  'comment.mentioned': {
    [Locale.FR]: {
      title: 'Vous êtes mentionné',
      body: [['Un commentaire dans l’espace « {{spaceName}} » vous mentionne.', 'Un commentaire vous mentionne.']],
    },
    [Locale.EN]: {
      title: 'You were mentioned',
      body: [['A comment in the space “{{spaceName}}” mentions you.', 'A comment mentions you.']],
    },
  },
  'mention.unreachable': {
    [Locale.FR]: {
      title: 'Mention sans destinataire',
      body: [
        [
          'La personne {{mentionedId}} ne peut pas lire ce que vous avez écrit : elle n’a pas été prévenue.',
          'Une personne que vous avez mentionnée ne peut pas lire ce que vous avez écrit : elle n’a pas été prévenue.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Mention not delivered',
      body: [
        [
          '{{mentionedId}} cannot read what you wrote: they were not notified.',
          'Someone you mentioned cannot read what you wrote: they were not notified.',
        ],
      ],
    },
  },
  'post.replied': {
    [Locale.FR]: {
      title: 'Nouvelle réponse',
      body: [
        [
          'Quelqu’un a commenté votre publication dans l’espace « {{spaceName}} ».',
          'Quelqu’un a commenté votre publication.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'New reply',
      body: [['Someone commented on your post in the space “{{spaceName}}”.', 'Someone commented on your post.']],
    },
  },
  'post.hidden': {
    [Locale.FR]: {
      title: 'Publication masquée',
      body: [
        [
          'La modération de l’espace « {{spaceName}} » a masqué une de vos publications.',
          'La modération a masqué une de vos publications.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Post hidden',
      body: [
        ['The moderators of the space “{{spaceName}}” hid one of your posts.', 'The moderators hid one of your posts.'],
      ],
    },
  },
  'comment.hidden': {
    [Locale.FR]: {
      title: 'Commentaire masqué',
      body: [
        [
          'La modération de l’espace « {{spaceName}} » a masqué un de vos commentaires.',
          'La modération a masqué un de vos commentaires.',
        ],
      ],
    },
    [Locale.EN]: {
      title: 'Comment hidden',
      body: [
        [
          'The moderators of the space “{{spaceName}}” hid one of your comments.',
          'The moderators hid one of your comments.',
        ],
      ],
    },
  },
};

/** What a notice says to its reader; `spaceName` is null when the reader no longer sees the space. */
export interface NoticeContext {
  kind: string;
  data: Record<string, unknown>;
  spaceName: string | null;
  locale: Locale;
}

const GENERIC: Record<Locale, NoticeText> = {
  [Locale.FR]: { title: 'Notification', body: ['Un changement vous concerne sur Passerelle.'] },
  [Locale.EN]: { title: 'Notification', body: ['A change concerns you on Passerelle.'] },
};

function textOf(ctx: NoticeContext): NoticeText {
  const texts = Object.prototype.hasOwnProperty.call(NOTIFICATION_TEXTS, ctx.kind)
    ? NOTIFICATION_TEXTS[ctx.kind as NotificationKind]
    : null;
  return texts?.[ctx.locale] ?? GENERIC[ctx.locale];
}

function valuesOf(ctx: NoticeContext): (key: string) => string | null {
  return (key) => {
    if (key === 'spaceName') return ctx.spaceName === null ? null : paramValue(key, ctx.spaceName, ctx.locale);
    // Names never come from data: only the space's, and only while the reader sees it.
    // mentionedId: an id the author wrote themselves (mention.unreachable), never a name.
    if (!['role', 'expiresAt', 'reason', 'count', 'mentionedId'].includes(key)) return null;
    const raw = key === 'expiresAt' ? (ctx.data.expiresAt ?? ctx.data.until) : ctx.data[key];
    return paramValue(key, raw, ctx.locale);
  };
}

export function noticeTitle(ctx: NoticeContext): string {
  return oneLine(fillLine(textOf(ctx).title, valuesOf(ctx)) ?? (GENERIC[ctx.locale].title as string));
}

export function noticeBody(ctx: NoticeContext): string {
  const values = valuesOf(ctx);
  return textOf(ctx)
    .body.flatMap((line) => fillLine(line, values) ?? [])
    .join(' ');
}

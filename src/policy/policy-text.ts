import { UserRole } from '../common/domain.enums';
import type { LocalizedText, PolicyCondition, PolicyRule, PolicyValue, PrincipalShape, Side } from './policy-document';

// The policy in plain words, French and English. Unknown words fall back to the identifier:
// a new field or action shows as itself rather than disappearing.

const ACTIONS: Record<string, LocalizedText> = {
  read: { en: 'read', fr: 'lire' },
  create: { en: 'create', fr: 'créer' },
  update: { en: 'update', fr: 'modifier' },
  manage: { en: 'do anything with', fr: 'tout faire sur' },
  invite: { en: 'invite into', fr: 'inviter dans' },
  approve: { en: 'approve (four eyes)', fr: 'approuver (quatre yeux)' },
  revoke: { en: 'revoke', fr: 'révoquer' },
  accept: { en: 'accept', fr: 'accepter' },
  renew: { en: 'renew', fr: 'renouveler' },
  leave: { en: 'leave', fr: 'quitter' },
  suspend: { en: 'suspend', fr: 'suspendre' },
  reactivate: { en: 'reactivate', fr: 'réactiver' },
  disable: { en: 'disable', fr: 'désactiver' },
  enable: { en: 'enable', fr: 'réactiver' },
  post: { en: 'post in', fr: 'publier dans' },
  comment: { en: 'comment on', fr: 'commenter' },
  react: { en: 'react to', fr: 'réagir à' },
  edit: { en: 'edit', fr: 'éditer' },
  delete: { en: 'delete', fr: 'supprimer' },
  moderate: { en: 'moderate (hide, unhide, relabel)', fr: 'modérer (masquer, démasquer, réétiqueter)' },
  readHealth: { en: 'read the health figures of', fr: 'lire les indicateurs de santé de' },
  review: { en: 'review the access of', fr: 'revoir les accès de' },
  certify: { en: 'certify', fr: 'certifier' },
};

const SUBJECTS: Record<string, LocalizedText> = {
  Organization: { en: 'an organisation', fr: 'une organisation' },
  User: { en: 'a user', fr: 'un utilisateur' },
  Space: { en: 'a space', fr: 'un espace' },
  Membership: { en: 'a membership', fr: 'une adhésion' },
  Post: { en: 'a post', fr: 'une publication' },
  Comment: { en: 'a comment', fr: 'un commentaire' },
  Reaction: { en: 'a reaction', fr: 'une réaction' },
  IdpConnection: { en: 'an IdP connection', fr: 'une connexion IdP' },
  Invitation: { en: 'an invitation', fr: 'une invitation' },
  Notification: { en: 'a notification', fr: 'une notification' },
  RiskEntry: { en: 'a risk entry', fr: 'un risque' },
  AuditEvent: { en: 'an audit event', fr: 'un événement d’audit' },
  RecertificationCampaign: { en: 'a recertification campaign', fr: 'une campagne de recertification' },
};

const FIELDS: Record<string, LocalizedText> = {
  id: { en: 'its id', fr: 'son identifiant' },
  spaceId: { en: 'its space', fr: 'son espace' },
  label: { en: 'its label', fr: 'son label' },
  hidden: { en: 'hidden', fr: 'masqué' },
  authorId: { en: 'its author', fr: 'son auteur' },
  authorOrganizationId: { en: 'its author’s organisation', fr: 'l’organisation de son auteur' },
  organizationId: { en: 'its organisation', fr: 'son organisation' },
  userOrganizationId: { en: 'its member’s organisation', fr: 'l’organisation du membre' },
  userId: { en: 'its user', fr: 'son utilisateur' },
  status: { en: 'its status', fr: 'son statut' },
  activeUntil: { en: 'its expiry (or never)', fr: 'son expiration (ou jamais)' },
  clearanceSufficient: {
    en: 'its member cleared for the space’s classification',
    fr: 'son membre habilité pour la classification de l’espace',
  },
  memberCounts: {
    en: 'its member counts (user and organisation ACTIVE)',
    fr: 'son membre compte (utilisateur et organisation ACTIVE)',
  },
  counts: { en: 'counts (user and organisation ACTIVE)', fr: 'compte (utilisateur et organisation ACTIVE)' },
  memberships: { en: 'memberships', fr: 'adhésions' },
  posts: { en: 'posts written', fr: 'publications écrites' },
  comments: { en: 'comments written', fr: 'commentaires écrits' },
  users: { en: 'users', fr: 'utilisateurs' },
  classification: { en: 'its classification', fr: 'sa classification' },
  invitedById: { en: 'its inviter', fr: 'l’auteur de l’invitation' },
  email: { en: 'its email address', fr: 'son adresse électronique' },
  wholeOrganization: { en: 'addressed to a whole organisation', fr: 'adressée à toute une organisation' },
  role: { en: 'its role', fr: 'son rôle' },
  sponsorId: { en: 'its sponsor', fr: 'son parrain' },
  sponsorIds: { en: 'its sponsors', fr: 'ses parrains' },
  kind: { en: 'its kind', fr: 'son type' },
  grantsHostRoles: { en: 'grants host roles', fr: 'donne des rôles de l’hôte' },
  targetHidden: { en: 'what it answers is hidden', fr: 'ce à quoi elle répond est masqué' },
  targetAuthorOrganizationId: {
    en: 'the organisation of the author of what it answers',
    fr: 'l’organisation de l’auteur de ce à quoi elle répond',
  },
  aboutOrganizationId: { en: 'the organisation it is about', fr: 'l’organisation qu’il concerne' },
};

const OPERATORS: Record<string, LocalizedText> = {
  eq: { en: 'is', fr: 'est' },
  ne: { en: 'is not', fr: 'n’est pas' },
  in: { en: 'is one of', fr: 'est l’un de' },
  nin: { en: 'is none of', fr: 'n’est aucun de' },
  lt: { en: '<', fr: '<' },
  lte: { en: '≤', fr: '≤' },
  gt: { en: '>', fr: '>' },
  gte: { en: '≥', fr: '≥' },
};

const SIDES: Record<Side, LocalizedText> = {
  HOST: { en: 'host users', fr: 'les utilisateurs de l’hôte' },
  EXTERNAL: { en: 'external users', fr: 'les utilisateurs externes' },
};

type Lang = keyof LocalizedText;

function both(f: (lang: Lang) => string): LocalizedText {
  return { en: f('en'), fr: f('fr') };
}

function field(name: string, lang: Lang): string {
  return name
    .split('.')
    .map((part) => FIELDS[part]?.[lang] ?? part)
    .join(lang === 'en' ? ' → ' : ' → ');
}

function valueText(v: PolicyValue | undefined, lang: Lang): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return `[${v.map((x) => valueText(x, lang)).join(', ')}]`;
  if (v !== null && typeof v === 'object') {
    switch (v.symbol) {
      case 'caller.spaces': {
        const roles = (v.roles ?? []).join(lang === 'en' ? ' or ' : ' ou ');
        const vis = (v.visibility ?? []).join(lang === 'en' ? ' or ' : ' ou ');
        return lang === 'en'
          ? `the spaces (${vis}) where the caller is an active ${roles}`
          : `les espaces (${vis}) où l’appelant est ${roles} actif`;
      }
      case 'caller.id':
        return lang === 'en' ? 'the caller' : 'l’appelant';
      case 'caller.organizationId':
        return lang === 'en' ? 'the caller’s organisation' : 'l’organisation de l’appelant';
      case 'caller.email':
        return lang === 'en' ? 'the caller’s email address' : 'l’adresse de l’appelant';
      case 'caller.effectiveClearance':
        return lang === 'en' ? 'the caller’s effective clearance' : 'l’habilitation effective de l’appelant';
      case 'host.organizationId':
        return lang === 'en' ? 'the host organisation' : 'l’organisation hôte';
      case 'now':
        return lang === 'en' ? 'now' : 'maintenant';
    }
  }
  if (v === true) return lang === 'en' ? 'true' : 'vrai';
  if (v === false) return lang === 'en' ? 'false' : 'faux';
  return String(v);
}

export function conditionText(c: PolicyCondition, lang: Lang): string {
  if (c.operator === 'elemMatch') {
    const inner = (c.conditions ?? []).map((x) => conditionText(x, lang)).join(lang === 'en' ? ' and ' : ' et ');
    return lang === 'en'
      ? `at least one of ${field(c.field, lang)} where (${inner})`
      : `au moins un élément de ${field(c.field, lang)} tel que (${inner})`;
  }
  const v = c.value;
  if (lang === 'fr' && c.operator === 'in' && v && typeof v === 'object' && !Array.isArray(v)) {
    // « est l’un de les espaces » : le français contracte.
    return `${field(c.field, lang)} fait partie ${valueText(v, lang).replace(/^les /, 'des ')}`;
  }
  return `${field(c.field, lang)} ${OPERATORS[c.operator][lang]} ${valueText(v, lang)}`;
}

export function conditionTexts(c: PolicyCondition): LocalizedText {
  return both((lang) => conditionText(c, lang));
}

/** Who a set of shapes is, in the fewest words: a whole side, "with any of", "with none of", or the list. */
export function describeShapes(shapes: PrincipalShape[], all: PrincipalShape[]): LocalizedText {
  const key = (s: PrincipalShape) => `${s.side}:${s.roles.join('+')}`;
  const chosen = new Set(shapes.map(key));
  if (all.every((s) => chosen.has(key(s)))) return { en: 'everyone', fr: 'tout le monde' };
  const parts: LocalizedText[] = [];
  for (const side of ['HOST', 'EXTERNAL'] as Side[]) {
    const ofSide = all.filter((s) => s.side === side);
    const picked = ofSide.filter((s) => chosen.has(key(s)));
    if (picked.length === 0) continue;
    if (picked.length === ofSide.length) {
      parts.push(SIDES[side]);
      continue;
    }
    const roles = [...new Set(ofSide.flatMap((s) => s.roles))];
    const described = describeByRoles(side, roles, ofSide, new Set(picked.map(key)), key);
    parts.push(
      described ??
        both((lang) =>
          picked
            .map((s) =>
              s.roles.length
                ? `${SIDES[side][lang]} ${lang === 'en' ? 'with exactly' : 'ayant exactement'} ${s.roles.join(' + ')}`
                : `${SIDES[side][lang]} ${lang === 'en' ? 'without a role' : 'sans rôle'}`,
            )
            .join('; '),
        ),
    );
  }
  return both((lang) => parts.map((p) => p[lang]).join(lang === 'en' ? '; and ' : ' ; et '));
}

function describeByRoles(
  side: Side,
  roles: UserRole[],
  ofSide: PrincipalShape[],
  picked: Set<string>,
  key: (s: PrincipalShape) => string,
): LocalizedText | null {
  for (let mask = 1; mask < 1 << roles.length; mask++) {
    const set = roles.filter((_, i) => mask & (1 << i));
    const anyOf = ofSide.filter((s) => s.roles.some((r) => set.includes(r))).map(key);
    if (sameSet(anyOf, picked)) {
      return both(
        (lang) =>
          `${SIDES[side][lang]} ${lang === 'en' ? 'with' : 'ayant'} ${set.join(lang === 'en' ? ' or ' : ' ou ')}`,
      );
    }
    const noneOf = ofSide.filter((s) => !s.roles.some((r) => set.includes(r))).map(key);
    if (sameSet(noneOf, picked)) {
      return both(
        (lang) =>
          `${SIDES[side][lang]} ${lang === 'en' ? 'without' : 'sans'} ${set.join(lang === 'en' ? ' or ' : ' ni ')}`,
      );
    }
  }
  return null;
}

function sameSet(a: string[], b: Set<string>): boolean {
  return a.length === b.size && a.every((x) => b.has(x));
}

export function ruleText(
  rule: Pick<PolicyRule, 'action' | 'subject' | 'inverted' | 'fields' | 'conditions'>,
  who: LocalizedText,
): LocalizedText {
  return both((lang) => {
    const verb = rule.inverted ? (lang === 'en' ? 'may not' : 'ne peuvent pas') : lang === 'en' ? 'may' : 'peuvent';
    const action = ACTIONS[rule.action]?.[lang] ?? rule.action;
    const subject = SUBJECTS[rule.subject]?.[lang] ?? rule.subject;
    const fields = rule.fields
      ? ` (${lang === 'en' ? 'fields' : 'champs'} : ${rule.fields.join(', ')})`.replace(
          ' :',
          lang === 'en' ? ':' : ' :',
        )
      : '';
    const when = rule.conditions.length
      ? ` ${lang === 'en' ? 'when' : 'lorsque'} ${rule.conditions.map((c) => conditionText(c, lang)).join(lang === 'en' ? ' and ' : ' et ')}`
      : lang === 'en'
        ? ' (any)'
        : ' (tous)';
    const everyone = who.en === 'everyone';
    if (everyone && rule.inverted) {
      return `${lang === 'en' ? 'Nobody may' : 'Personne ne peut'} ${action} ${subject}${fields}${when}.`;
    }
    const whoText = lang === 'fr' && everyone ? 'Tous' : capitalize(who[lang]);
    return `${whoText} ${verb} ${action} ${subject}${fields}${when}.`;
  });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';

/** The one message catalogue: French first (the default), English with exactly the same keys. */
const fr = {
  appName: 'Passerelle',
  skipToContent: 'Aller au contenu',
  language: 'Langue',
  switchLanguage: 'English',
  switchLanguageLabel: 'Switch to English',
  navHome: 'Accueil',
  navFeed: 'Fil d’actualité',
  navSpaces: 'Mes espaces',
  navInvitations: 'Invitations',
  navNotifications: 'Notifications',
  navExperts: 'Experts',
  navProfile: 'Mon profil',
  mainNav: 'Navigation principale',
  signOut: 'Se déconnecter',
  loading: 'Chargement…',
  loadMore: 'Afficher la suite',
  empty: 'Rien pour l’instant.',
  // Sign-in
  startTitle: 'Connexion',
  startIntro: 'Connectez-vous avec le compte de votre organisation : saisissez votre adresse professionnelle.',
  workEmail: 'Adresse e-mail professionnelle',
  continue: 'Continuer',
  discovering: 'Recherche de votre organisation…',
  noIdp: 'Aucune organisation connue pour cette adresse. Vérifiez-la ou contactez votre référent.',
  chooseIdp: 'Choisissez comment vous connecter :',
  discoverFailed: 'La recherche a échoué. Réessayez dans un instant.',
  demoTitle: 'Fournisseurs d’identité de démonstration',
  demoIntro: 'En développement seulement : choisissez une organisation, puis une personne.',
  signedOutNotice: 'Vous êtes déconnecté. À bientôt !',
  expiredNotice: 'Votre session a expiré. Connectez-vous de nouveau pour continuer.',
  signInFirst: 'Connectez-vous pour ouvrir cette page.',
  // Home
  hello: 'Bonjour {name}',
  homeIntro: '{org}',
  pendingInvitations: 'Invitations en attente',
  yourSpaces: 'Vos espaces',
  // Labels (DESIGN: one scale everywhere)
  label0: 'non significatif',
  label1: 'faible',
  label2: 'sensible',
  label3: 'critique',
  label4: 'stratégique',
  labelAria: 'Niveau {n} : {name}',
  // Spaces and posts
  hub: 'HUB',
  open: 'ouvert',
  visibilityHub: 'Espace HUB : chaque organisation partenaire ne voit que ses propres contributions.',
  visibilityOpen: 'Espace ouvert : tous les membres voient les contributions, selon leur niveau d’accès.',
  posts: 'Publications',
  members: 'Membres',
  by: 'par {name}',
  comments: '{n} commentaire(s)',
  newPost: 'Nouvelle publication',
  title: 'Titre',
  body: 'Texte (Markdown)',
  postLabel: 'Niveau de confidentialité',
  publish: 'Publier',
  published: 'Publication enregistrée.',
  deletedPost: 'Publication supprimée',
  hiddenPost: 'Masquée par la modération',
  comment: 'Commenter',
  yourComment: 'Votre commentaire (Markdown)',
  commentSent: 'Commentaire envoyé.',
  liveComments: 'Les nouveaux commentaires arrivent en direct.',
  newComment: 'Nouveau commentaire de {name}',
  reactions: 'Réactions',
  reactWith: 'Réagir avec {emoji}',
  backToSpace: 'Retour à l’espace',
  edited: 'modifié',
  expires: 'jusqu’au {date}',
  noExpiry: 'sans date de fin',
  // Invitations
  invitationFrom: '{who} vous invite dans « {space} » comme {role}.',
  answerBy: 'À accepter avant le {date}.',
  accessUntil: 'Accès jusqu’au {date}.',
  accept: 'Accepter',
  decline: 'Refuser',
  accepted: 'Invitation acceptée : vous avez rejoint « {space} ».',
  declined: 'Invitation refusée.',
  openSpace: 'Ouvrir l’espace',
  noInvitations: 'Aucune invitation ne vous attend.',
  // Notifications
  unread: '{n} non lue(s)',
  markAllRead: 'Tout marquer comme lu',
  liveNotifications: 'Les notifications arrivent en direct.',
  newNotification: 'Nouvelle notification : {title}',
  // Experts
  searchExperts: 'Chercher un nom, un métier, une compétence',
  search: 'Chercher',
  skills: 'Compétences',
  // Profile
  profile: 'Mon profil',
  organisation: 'Organisation',
  email: 'E-mail',
  jobTitle: 'Fonction',
  clearance: 'Habilitation',
  yourGrants: 'Vos accès',
  grantEnds: 'Votre accès à « {space} » se termine le {date}.',
  grantNoEnd: 'Votre accès à « {space} » n’a pas de date de fin.',
  grantSponsor: 'Votre parrain est {name}.',
  grantRole: 'Rôle : {role}.',
  noGrants: 'Vous n’avez accès à aucun espace pour le moment.',
  // Roles
  role_OWNER: 'propriétaire',
  role_ANIMATOR: 'animateur',
  role_MEMBER: 'membre',
  role_OBSERVER: 'observateur',
  // Errors
  notFound: 'Introuvable : cette page n’existe pas ou vous n’y avez pas accès.',
  forbidden: 'Vous n’avez pas le droit de faire cela.',
  badInput: 'Valeur refusée : {reason}',
  conflict: 'Impossible pour le moment : {reason}',
  failed: 'Une erreur est survenue. Réessayez.',
  pageNotFound: 'Cette page n’existe pas.',
};

export type MessageKey = keyof typeof fr;
export type Catalogue = Record<MessageKey, string>;

const en: Catalogue = {
  appName: 'Passerelle',
  skipToContent: 'Skip to content',
  language: 'Language',
  switchLanguage: 'Français',
  switchLanguageLabel: 'Passer en français',
  navHome: 'Home',
  navFeed: 'Feed',
  navSpaces: 'My spaces',
  navInvitations: 'Invitations',
  navNotifications: 'Notifications',
  navExperts: 'Experts',
  navProfile: 'My profile',
  mainNav: 'Main navigation',
  signOut: 'Sign out',
  loading: 'Loading…',
  loadMore: 'Show more',
  empty: 'Nothing yet.',
  startTitle: 'Sign in',
  startIntro: 'Sign in with your organisation’s account: enter your work email address.',
  workEmail: 'Work email address',
  continue: 'Continue',
  discovering: 'Finding your organisation…',
  noIdp: 'No organisation is known for this address. Check it, or ask your contact.',
  chooseIdp: 'Choose how to sign in:',
  discoverFailed: 'The search failed. Try again in a moment.',
  demoTitle: 'Demo identity providers',
  demoIntro: 'Development only: pick an organisation, then a person.',
  signedOutNotice: 'You are signed out. See you soon!',
  expiredNotice: 'Your session has expired. Sign in again to continue.',
  signInFirst: 'Sign in to open this page.',
  hello: 'Hello {name}',
  homeIntro: '{org}',
  pendingInvitations: 'Invitations waiting for you',
  yourSpaces: 'Your spaces',
  label0: 'not significant',
  label1: 'low',
  label2: 'sensitive',
  label3: 'critical',
  label4: 'strategic',
  labelAria: 'Level {n}: {name}',
  hub: 'HUB',
  open: 'open',
  visibilityHub: 'HUB space: each partner organisation sees only its own contributions.',
  visibilityOpen: 'Open space: every member sees the contributions their level allows.',
  posts: 'Posts',
  members: 'Members',
  by: 'by {name}',
  comments: '{n} comment(s)',
  newPost: 'New post',
  title: 'Title',
  body: 'Text (Markdown)',
  postLabel: 'Confidentiality level',
  publish: 'Publish',
  published: 'Post published.',
  deletedPost: 'Post deleted',
  hiddenPost: 'Hidden by moderation',
  comment: 'Comment',
  yourComment: 'Your comment (Markdown)',
  commentSent: 'Comment sent.',
  liveComments: 'New comments arrive live.',
  newComment: 'New comment from {name}',
  reactions: 'Reactions',
  reactWith: 'React with {emoji}',
  backToSpace: 'Back to the space',
  edited: 'edited',
  expires: 'until {date}',
  noExpiry: 'no end date',
  invitationFrom: '{who} invites you to “{space}” as {role}.',
  answerBy: 'Answer by {date}.',
  accessUntil: 'Access until {date}.',
  accept: 'Accept',
  decline: 'Decline',
  accepted: 'Invitation accepted: you joined “{space}”.',
  declined: 'Invitation declined.',
  openSpace: 'Open the space',
  noInvitations: 'No invitation is waiting for you.',
  unread: '{n} unread',
  markAllRead: 'Mark all as read',
  liveNotifications: 'Notifications arrive live.',
  newNotification: 'New notification: {title}',
  searchExperts: 'Search a name, a job title, a skill',
  search: 'Search',
  skills: 'Skills',
  profile: 'My profile',
  organisation: 'Organisation',
  email: 'Email',
  jobTitle: 'Job title',
  clearance: 'Clearance',
  yourGrants: 'Your access',
  grantEnds: 'Your access to “{space}” ends on {date}.',
  grantNoEnd: 'Your access to “{space}” has no end date.',
  grantSponsor: 'Your sponsor is {name}.',
  grantRole: 'Role: {role}.',
  noGrants: 'You have access to no space yet.',
  role_OWNER: 'owner',
  role_ANIMATOR: 'animator',
  role_MEMBER: 'member',
  role_OBSERVER: 'observer',
  notFound: 'Not found: this page does not exist or you have no access to it.',
  forbidden: 'You are not allowed to do this.',
  badInput: 'Value refused: {reason}',
  conflict: 'Not possible now: {reason}',
  failed: 'Something went wrong. Try again.',
  pageNotFound: 'This page does not exist.',
};

export const CATALOGUES: Record<Lang, Catalogue> = { fr, en };
export type Lang = 'fr' | 'en';
const STORAGE_KEY = 'passerelle.lang';

/** French unless the person chose English, or their browser asks for English first. */
export function initialLang(stored: string | null, browser: readonly string[]): Lang {
  if (stored === 'fr' || stored === 'en') return stored;
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'fr') return 'fr';
    if (primary === 'en') return 'en';
  }
  return 'fr';
}

export function format(text: string, values: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  date(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

function storedLang(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => initialLang(storedLang(), navigator.languages ?? []));
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const setLang = useCallback((next: Lang) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const dates = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    });
    return {
      lang,
      setLang,
      t: (key, values) => format(CATALOGUES[lang][key], values),
      date: (iso) => dates.format(new Date(iso)),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

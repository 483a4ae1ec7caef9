import { DomainException, ErrorKind, httpStatusOf } from '../../common/domain.exception';

/** One code per reason a sign-in or logout is refused; each is written to the audit log as is. */
export enum SamlErrorCode {
  CONNECTION_NOT_FOUND = 'CONNECTION_NOT_FOUND',
  CONNECTION_DISABLED = 'CONNECTION_DISABLED',
  ORGANIZATION_SUSPENDED = 'ORGANIZATION_SUSPENDED',
  // Before parsing.
  BODY_TOO_LARGE = 'BODY_TOO_LARGE',
  MISSING_SAML_RESPONSE = 'MISSING_SAML_RESPONSE',
  NOT_BASE64 = 'NOT_BASE64',
  NOT_XML = 'NOT_XML',
  DTD_FORBIDDEN = 'DTD_FORBIDDEN',
  XML_TOO_DEEP = 'XML_TOO_DEEP',
  XML_TOO_LARGE = 'XML_TOO_LARGE',
  // Structure.
  NOT_A_RESPONSE = 'NOT_A_RESPONSE',
  STATUS_NOT_SUCCESS = 'STATUS_NOT_SUCCESS',
  ASSERTION_COUNT = 'ASSERTION_COUNT',
  ENCRYPTED_ASSERTION_UNSUPPORTED = 'ENCRYPTED_ASSERTION_UNSUPPORTED',
  DUPLICATE_ID = 'DUPLICATE_ID',
  COMMENT_IN_ASSERTION = 'COMMENT_IN_ASSERTION',
  // Signatures.
  UNEXPECTED_SIGNATURE = 'UNEXPECTED_SIGNATURE',
  SIGNATURE_REFERENCE_INVALID = 'SIGNATURE_REFERENCE_INVALID',
  WEAK_SIGNATURE_ALGORITHM = 'WEAK_SIGNATURE_ALGORITHM',
  WEAK_DIGEST_ALGORITHM = 'WEAK_DIGEST_ALGORITHM',
  UNSUPPORTED_TRANSFORM = 'UNSUPPORTED_TRANSFORM',
  SIGNATURE_UNTRUSTED = 'SIGNATURE_UNTRUSTED',
  DIGEST_MISMATCH = 'DIGEST_MISMATCH',
  ASSERTION_UNSIGNED = 'ASSERTION_UNSIGNED',
  RESPONSE_UNSIGNED = 'RESPONSE_UNSIGNED',
  // Claims.
  ISSUER_MISMATCH = 'ISSUER_MISMATCH',
  WRONG_CONNECTION = 'WRONG_CONNECTION',
  DESTINATION_MISMATCH = 'DESTINATION_MISMATCH',
  AUDIENCE_MISMATCH = 'AUDIENCE_MISMATCH',
  NO_BEARER_CONFIRMATION = 'NO_BEARER_CONFIRMATION',
  RECIPIENT_MISMATCH = 'RECIPIENT_MISMATCH',
  ASSERTION_EXPIRED = 'ASSERTION_EXPIRED',
  ASSERTION_NOT_YET_VALID = 'ASSERTION_NOT_YET_VALID',
  NAME_ID_MISSING = 'NAME_ID_MISSING',
  // Conversation.
  UNSOLICITED_RESPONSE = 'UNSOLICITED_RESPONSE',
  IN_RESPONSE_TO_UNKNOWN = 'IN_RESPONSE_TO_UNKNOWN',
  IN_RESPONSE_TO_MISMATCH = 'IN_RESPONSE_TO_MISMATCH',
  LOGIN_STATE_MISMATCH = 'LOGIN_STATE_MISMATCH',
  ASSERTION_REPLAYED = 'ASSERTION_REPLAYED',
  LIBRARY_REJECTED = 'LIBRARY_REJECTED',
  // Who is signing in.
  ATTRIBUTE_MISSING = 'ATTRIBUTE_MISSING',
  EMAIL_DOMAIN_NOT_ALLOWED = 'EMAIL_DOMAIN_NOT_ALLOWED',
  NAME_ID_TRANSIENT = 'NAME_ID_TRANSIENT',
  ACCOUNT_NOT_LINKED = 'ACCOUNT_NOT_LINKED',
  EMAIL_CONFLICT = 'EMAIL_CONFLICT',
  USER_DISABLED = 'USER_DISABLED',
  // Logout.
  LOGOUT_INVALID = 'LOGOUT_INVALID',
  // Discovery.
  DISCOVERY_NO_MATCH = 'DISCOVERY_NO_MATCH',
  INVALID_EMAIL = 'INVALID_EMAIL',
}

/** The message a caller sees: clear but never revealing what a forger would want to learn. */
const PUBLIC_MESSAGE: Record<SamlErrorCode, string> = {
  CONNECTION_NOT_FOUND: 'This sign-in link is not valid.',
  CONNECTION_DISABLED: 'Sign-in through this identity provider is disabled.',
  ORGANIZATION_SUSPENDED: 'Your organisation’s access is suspended.',
  BODY_TOO_LARGE: 'The sign-in response is too large.',
  MISSING_SAML_RESPONSE: 'No sign-in response was received.',
  NOT_BASE64: 'The sign-in response could not be read.',
  NOT_XML: 'The sign-in response could not be read.',
  DTD_FORBIDDEN: 'The sign-in response could not be read.',
  XML_TOO_DEEP: 'The sign-in response could not be read.',
  XML_TOO_LARGE: 'The sign-in response could not be read.',
  NOT_A_RESPONSE: 'The sign-in response could not be read.',
  STATUS_NOT_SUCCESS: 'Your identity provider did not sign you in.',
  ASSERTION_COUNT: 'The sign-in response was refused.',
  ENCRYPTED_ASSERTION_UNSUPPORTED: 'The sign-in response was refused.',
  DUPLICATE_ID: 'The sign-in response was refused.',
  COMMENT_IN_ASSERTION: 'The sign-in response was refused.',
  UNEXPECTED_SIGNATURE: 'The sign-in response was refused.',
  SIGNATURE_REFERENCE_INVALID: 'The sign-in response was refused.',
  WEAK_SIGNATURE_ALGORITHM: 'The sign-in response was refused.',
  WEAK_DIGEST_ALGORITHM: 'The sign-in response was refused.',
  UNSUPPORTED_TRANSFORM: 'The sign-in response was refused.',
  SIGNATURE_UNTRUSTED: 'The sign-in response was refused.',
  DIGEST_MISMATCH: 'The sign-in response was refused.',
  ASSERTION_UNSIGNED: 'The sign-in response was refused.',
  RESPONSE_UNSIGNED: 'The sign-in response was refused.',
  ISSUER_MISMATCH: 'The sign-in response was refused.',
  WRONG_CONNECTION: 'The sign-in response was refused.',
  DESTINATION_MISMATCH: 'The sign-in response was refused.',
  AUDIENCE_MISMATCH: 'The sign-in response was refused.',
  NO_BEARER_CONFIRMATION: 'The sign-in response was refused.',
  RECIPIENT_MISMATCH: 'The sign-in response was refused.',
  ASSERTION_EXPIRED: 'The sign-in response has expired. Please sign in again.',
  ASSERTION_NOT_YET_VALID: 'The sign-in response is not valid yet. Check the clocks and sign in again.',
  NAME_ID_MISSING: 'The sign-in response was refused.',
  UNSOLICITED_RESPONSE: 'Please start signing in from Passerelle.',
  IN_RESPONSE_TO_UNKNOWN: 'This sign-in attempt is unknown or has expired. Please sign in again.',
  IN_RESPONSE_TO_MISMATCH: 'The sign-in response was refused.',
  LOGIN_STATE_MISMATCH: 'This sign-in was not started in this browser. Please sign in again.',
  ASSERTION_REPLAYED: 'This sign-in response was already used. Please sign in again.',
  LIBRARY_REJECTED: 'The sign-in response was refused.',
  ATTRIBUTE_MISSING: 'Your identity provider did not send the attributes Passerelle needs.',
  EMAIL_DOMAIN_NOT_ALLOWED: 'This identity provider may not sign in that email address.',
  NAME_ID_TRANSIENT: 'Your identity provider must send a persistent identifier.',
  ACCOUNT_NOT_LINKED:
    'An account with this email exists but is not linked to this identity provider. Ask your administrator.',
  EMAIL_CONFLICT: 'This email address belongs to another account. Ask your administrator.',
  USER_DISABLED: 'Your account is disabled.',
  LOGOUT_INVALID: 'The logout message was refused.',
  DISCOVERY_NO_MATCH: 'No identity provider is set up for this email domain.',
  INVALID_EMAIL: 'Enter a valid email address.',
};

/** The same messages in French, shown first on the pages a person reads (French by default). */
const PUBLIC_MESSAGE_FR: Record<SamlErrorCode, string> = {
  CONNECTION_NOT_FOUND: 'Ce lien de connexion n’est pas valide.',
  CONNECTION_DISABLED: 'La connexion par ce fournisseur d’identité est désactivée.',
  ORGANIZATION_SUSPENDED: 'L’accès de votre organisation est suspendu.',
  BODY_TOO_LARGE: 'La réponse de connexion est trop volumineuse.',
  MISSING_SAML_RESPONSE: 'Aucune réponse de connexion n’a été reçue.',
  NOT_BASE64: 'La réponse de connexion n’a pas pu être lue.',
  NOT_XML: 'La réponse de connexion n’a pas pu être lue.',
  DTD_FORBIDDEN: 'La réponse de connexion n’a pas pu être lue.',
  XML_TOO_DEEP: 'La réponse de connexion n’a pas pu être lue.',
  XML_TOO_LARGE: 'La réponse de connexion n’a pas pu être lue.',
  NOT_A_RESPONSE: 'La réponse de connexion n’a pas pu être lue.',
  STATUS_NOT_SUCCESS: 'Votre fournisseur d’identité ne vous a pas connecté.',
  ASSERTION_COUNT: 'La réponse de connexion a été refusée.',
  ENCRYPTED_ASSERTION_UNSUPPORTED: 'La réponse de connexion a été refusée.',
  DUPLICATE_ID: 'La réponse de connexion a été refusée.',
  COMMENT_IN_ASSERTION: 'La réponse de connexion a été refusée.',
  UNEXPECTED_SIGNATURE: 'La réponse de connexion a été refusée.',
  SIGNATURE_REFERENCE_INVALID: 'La réponse de connexion a été refusée.',
  WEAK_SIGNATURE_ALGORITHM: 'La réponse de connexion a été refusée.',
  WEAK_DIGEST_ALGORITHM: 'La réponse de connexion a été refusée.',
  UNSUPPORTED_TRANSFORM: 'La réponse de connexion a été refusée.',
  SIGNATURE_UNTRUSTED: 'La réponse de connexion a été refusée.',
  DIGEST_MISMATCH: 'La réponse de connexion a été refusée.',
  ASSERTION_UNSIGNED: 'La réponse de connexion a été refusée.',
  RESPONSE_UNSIGNED: 'La réponse de connexion a été refusée.',
  ISSUER_MISMATCH: 'La réponse de connexion a été refusée.',
  WRONG_CONNECTION: 'La réponse de connexion a été refusée.',
  DESTINATION_MISMATCH: 'La réponse de connexion a été refusée.',
  AUDIENCE_MISMATCH: 'La réponse de connexion a été refusée.',
  NO_BEARER_CONFIRMATION: 'La réponse de connexion a été refusée.',
  RECIPIENT_MISMATCH: 'La réponse de connexion a été refusée.',
  ASSERTION_EXPIRED: 'La réponse de connexion a expiré. Veuillez vous reconnecter.',
  ASSERTION_NOT_YET_VALID:
    'La réponse de connexion n’est pas encore valide. Vérifiez les horloges et reconnectez-vous.',
  NAME_ID_MISSING: 'La réponse de connexion a été refusée.',
  UNSOLICITED_RESPONSE: 'Veuillez commencer la connexion depuis Passerelle.',
  IN_RESPONSE_TO_UNKNOWN: 'Cette tentative de connexion est inconnue ou a expiré. Veuillez vous reconnecter.',
  IN_RESPONSE_TO_MISMATCH: 'La réponse de connexion a été refusée.',
  LOGIN_STATE_MISMATCH: 'Cette connexion n’a pas été commencée dans ce navigateur. Veuillez vous reconnecter.',
  ASSERTION_REPLAYED: 'Cette réponse de connexion a déjà été utilisée. Veuillez vous reconnecter.',
  LIBRARY_REJECTED: 'La réponse de connexion a été refusée.',
  ATTRIBUTE_MISSING: 'Votre fournisseur d’identité n’a pas envoyé les attributs dont Passerelle a besoin.',
  EMAIL_DOMAIN_NOT_ALLOWED: 'Ce fournisseur d’identité ne peut pas connecter cette adresse e-mail.',
  NAME_ID_TRANSIENT: 'Votre fournisseur d’identité doit envoyer un identifiant persistant.',
  ACCOUNT_NOT_LINKED:
    'Un compte existe avec cette adresse e-mail mais n’est pas relié à ce fournisseur d’identité. Adressez-vous à votre administrateur.',
  EMAIL_CONFLICT: 'Cette adresse e-mail appartient à un autre compte. Adressez-vous à votre administrateur.',
  USER_DISABLED: 'Votre compte est désactivé.',
  LOGOUT_INVALID: 'Le message de déconnexion a été refusé.',
  DISCOVERY_NO_MATCH: 'Aucun fournisseur d’identité n’est configuré pour ce domaine de messagerie.',
  INVALID_EMAIL: 'Saisissez une adresse e-mail valide.',
};

/** The French public message of a SAML refusal. */
export function frenchMessageOf(code: SamlErrorCode): string {
  return PUBLIC_MESSAGE_FR[code];
}

export class SamlException extends DomainException<SamlErrorCode> {
  constructor(code: SamlErrorCode, details: Record<string, unknown> = {}) {
    super(code, PUBLIC_MESSAGE[code], details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case SamlErrorCode.CONNECTION_NOT_FOUND:
      case SamlErrorCode.DISCOVERY_NO_MATCH:
        return ErrorKind.NOT_FOUND;
      case SamlErrorCode.CONNECTION_DISABLED:
      case SamlErrorCode.ORGANIZATION_SUSPENDED:
      case SamlErrorCode.USER_DISABLED:
      case SamlErrorCode.EMAIL_DOMAIN_NOT_ALLOWED:
      case SamlErrorCode.ACCOUNT_NOT_LINKED:
      case SamlErrorCode.EMAIL_CONFLICT:
        return ErrorKind.FORBIDDEN;
      case SamlErrorCode.BODY_TOO_LARGE:
      case SamlErrorCode.MISSING_SAML_RESPONSE:
      case SamlErrorCode.NOT_BASE64:
      case SamlErrorCode.NOT_XML:
      case SamlErrorCode.DTD_FORBIDDEN:
      case SamlErrorCode.XML_TOO_DEEP:
      case SamlErrorCode.XML_TOO_LARGE:
      case SamlErrorCode.NOT_A_RESPONSE:
      case SamlErrorCode.INVALID_EMAIL:
        return ErrorKind.BAD_USER_INPUT;
      case SamlErrorCode.STATUS_NOT_SUCCESS:
      case SamlErrorCode.ASSERTION_COUNT:
      case SamlErrorCode.ENCRYPTED_ASSERTION_UNSUPPORTED:
      case SamlErrorCode.DUPLICATE_ID:
      case SamlErrorCode.COMMENT_IN_ASSERTION:
      case SamlErrorCode.UNEXPECTED_SIGNATURE:
      case SamlErrorCode.SIGNATURE_REFERENCE_INVALID:
      case SamlErrorCode.WEAK_SIGNATURE_ALGORITHM:
      case SamlErrorCode.WEAK_DIGEST_ALGORITHM:
      case SamlErrorCode.UNSUPPORTED_TRANSFORM:
      case SamlErrorCode.SIGNATURE_UNTRUSTED:
      case SamlErrorCode.DIGEST_MISMATCH:
      case SamlErrorCode.ASSERTION_UNSIGNED:
      case SamlErrorCode.RESPONSE_UNSIGNED:
      case SamlErrorCode.ISSUER_MISMATCH:
      case SamlErrorCode.WRONG_CONNECTION:
      case SamlErrorCode.DESTINATION_MISMATCH:
      case SamlErrorCode.AUDIENCE_MISMATCH:
      case SamlErrorCode.NO_BEARER_CONFIRMATION:
      case SamlErrorCode.RECIPIENT_MISMATCH:
      case SamlErrorCode.ASSERTION_EXPIRED:
      case SamlErrorCode.ASSERTION_NOT_YET_VALID:
      case SamlErrorCode.NAME_ID_MISSING:
      case SamlErrorCode.UNSOLICITED_RESPONSE:
      case SamlErrorCode.IN_RESPONSE_TO_UNKNOWN:
      case SamlErrorCode.IN_RESPONSE_TO_MISMATCH:
      case SamlErrorCode.LOGIN_STATE_MISMATCH:
      case SamlErrorCode.ASSERTION_REPLAYED:
      case SamlErrorCode.LIBRARY_REJECTED:
      case SamlErrorCode.ATTRIBUTE_MISSING:
      case SamlErrorCode.NAME_ID_TRANSIENT:
      case SamlErrorCode.LOGOUT_INVALID:
        return ErrorKind.UNAUTHENTICATED;
    }
  }

  /** SAML codes are shown as they are: the public message never says more than the code. */
  override get publicCode(): string {
    return this.code;
  }

  /** The HTTP status of a refusal on the /auth REST routes. */
  override get httpStatus(): number {
    return this.code === SamlErrorCode.BODY_TOO_LARGE ? 413 : httpStatusOf(this.kind);
  }

  /** The audit reason: the code in lower case, e.g. `signature_untrusted`. */
  get reason(): string {
    return this.code.toLowerCase();
  }
}

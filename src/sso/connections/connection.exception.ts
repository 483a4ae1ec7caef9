import { DomainException, ErrorKind } from '../../common/domain.exception';

export enum ConnectionErrorCode {
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
  METADATA_NOT_XML = 'METADATA_NOT_XML',
  METADATA_NOT_IDP = 'METADATA_NOT_IDP',
  METADATA_NO_SIGNING_CERTIFICATE = 'METADATA_NO_SIGNING_CERTIFICATE',
  METADATA_UNKNOWN_BINDING = 'METADATA_UNKNOWN_BINDING',
  METADATA_FETCH_FAILED = 'METADATA_FETCH_FAILED',
  CERTIFICATE_INVALID = 'CERTIFICATE_INVALID',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  LAST_CERTIFICATE = 'LAST_CERTIFICATE',
  INVALID_FIELD = 'INVALID_FIELD',
  DOMAIN_NOT_VERIFIED = 'DOMAIN_NOT_VERIFIED',
  DUPLICATE_ENTITY_ID = 'DUPLICATE_ENTITY_ID',
}

/** Refusals of connection management (GraphQL and CLI). */
export class ConnectionException extends DomainException<ConnectionErrorCode> {
  constructor(code: ConnectionErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }

  get kind(): ErrorKind {
    switch (this.code) {
      case ConnectionErrorCode.NOT_FOUND:
        return ErrorKind.NOT_FOUND;
      case ConnectionErrorCode.FORBIDDEN:
        return ErrorKind.FORBIDDEN;
      case ConnectionErrorCode.DUPLICATE_ENTITY_ID:
      case ConnectionErrorCode.LAST_CERTIFICATE:
        return ErrorKind.CONFLICT;
      case ConnectionErrorCode.METADATA_NOT_XML:
      case ConnectionErrorCode.METADATA_NOT_IDP:
      case ConnectionErrorCode.METADATA_NO_SIGNING_CERTIFICATE:
      case ConnectionErrorCode.METADATA_UNKNOWN_BINDING:
      case ConnectionErrorCode.METADATA_FETCH_FAILED:
      case ConnectionErrorCode.CERTIFICATE_INVALID:
      case ConnectionErrorCode.CERTIFICATE_EXPIRED:
      case ConnectionErrorCode.INVALID_FIELD:
      case ConnectionErrorCode.DOMAIN_NOT_VERIFIED:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  static notFound(): ConnectionException {
    return new ConnectionException(ConnectionErrorCode.NOT_FOUND, 'Not found');
  }

  static invalid(message: string, details?: Record<string, unknown>): ConnectionException {
    return new ConnectionException(ConnectionErrorCode.INVALID_FIELD, message, details);
  }
}

import { DomainException, ErrorKind } from '../common/domain.exception';

export enum RealtimeErrorCode {
  /** A subscription asked for over POST /graphql: it streams over graphql-ws only. */
  WEBSOCKET_ONLY = 'WEBSOCKET_ONLY',
}

/** Refusals of the real-time path that are not about visibility (those are NOT_FOUND). */
export class RealtimeException extends DomainException<RealtimeErrorCode> {
  get kind(): ErrorKind {
    switch (this.code) {
      case RealtimeErrorCode.WEBSOCKET_ONLY:
        return ErrorKind.BAD_USER_INPUT;
    }
  }

  override get publicReason(): string | null {
    return this.code;
  }

  static websocketOnly(): RealtimeException {
    return new RealtimeException(
      RealtimeErrorCode.WEBSOCKET_ONLY,
      'Subscriptions are served over WebSocket (graphql-ws) at /graphql',
    );
  }

  constructor(code: RealtimeErrorCode, message: string) {
    super(code, message);
  }
}

/** One message ready to go: rendered, addressed. */
export interface OutgoingMail {
  /** The outbox row's id: the Message-ID, so a resent message is recognisably the same one. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Where messages go: the log (and a folder in development) by default, SMTP with SMTP_URL. */
export abstract class MailTransport {
  /** For the logs: which transport this is, never its credentials. */
  abstract readonly name: string;

  /** Sends one message; throws when it was not accepted. */
  abstract send(mail: OutgoingMail): Promise<void>;

  /** Closes open connections (at shutdown). */
  async close(): Promise<void> {}
}

/** The Message-ID of an outbox row. */
export function messageIdOf(mail: OutgoingMail): string {
  return `<${mail.id}@passerelle>`;
}

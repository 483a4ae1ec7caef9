import { createTransport, Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { AppConfig } from '../../config/app-config';
import { MailTransport, messageIdOf, OutgoingMail } from './mail-transport';

/** SMTP through nodemailer (SMTP_URL: `smtp://` with STARTTLS when offered, or `smtps://`). */
export class SmtpMailTransport extends MailTransport {
  readonly name = 'smtp';
  private readonly transporter: Transporter;

  constructor(
    private readonly config: AppConfig,
    smtpUrl: string,
  ) {
    super();
    this.transporter = createTransport({
      url: smtpUrl,
      // A server that hangs must not hold the dispatcher: the message is retried later.
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    } as SMTPTransport.Options);
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transporter.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdOf(mail),
    });
  }

  override async close(): Promise<void> {
    this.transporter.close();
  }
}

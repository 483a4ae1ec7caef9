import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { AppConfig } from '../../config/app-config';
import { MailTransport, messageIdOf, OutgoingMail } from './mail-transport';

/**
 * The default transport: each message goes to the log (recipient and subject; the body at
 * debug level) and, outside production when there is a data folder, to
 * `$DATA_DIR/mail/<time>-<id>.eml`, a complete message any mail client opens.
 */
export class LogMailTransport extends MailTransport {
  readonly name = 'log';
  private readonly logger = new Logger('Mail');
  private readonly folder: string | null;
  private readonly composer: Transporter;

  constructor(private readonly config: AppConfig) {
    super();
    this.folder = !config.isProduction && config.dataDir !== null ? mailFolder(config.dataDir) : null;
    // Builds the RFC 5322 message without sending it anywhere.
    this.composer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    this.logger.log(`to ${mail.to}: ${mail.subject}`);
    this.logger.debug(mail.text);
    if (!this.folder) return;
    const info = (await this.composer.sendMail({
      from: this.config.mailFrom,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: messageIdOf(mail),
    })) as { message: Buffer };
    await mkdir(this.folder, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    await writeFile(join(this.folder, `${stamp}-${mail.id}.eml`), info.message, { mode: 0o600 });
  }
}

/** Where development mail is written: beside the embedded database, in `$DATA_DIR/mail`. */
export function mailFolder(dataDir: string): string {
  return join(dataDir, 'mail');
}

import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MailDispatcher } from './mail.dispatcher';
import { MailService } from './mail.service';
import { LogMailTransport } from './transports/log-mail.transport';
import { MailTransport } from './transports/mail-transport';
import { SmtpMailTransport } from './transports/smtp-mail.transport';

/** Outgoing mail: the outbox written in the write path's transactions, and its dispatcher. */
@Global()
@Module({
  providers: [
    MailService,
    MailDispatcher,
    {
      provide: MailTransport,
      inject: [AppConfig],
      useFactory: (config: AppConfig): MailTransport =>
        config.smtpUrl ? new SmtpMailTransport(config, config.smtpUrl) : new LogMailTransport(config),
    },
  ],
  exports: [MailService, MailDispatcher],
})
export class MailModule {}

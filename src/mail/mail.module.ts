import { Global, Module } from '@nestjs/common';
import { MailService } from './mail.service';

/** Outgoing mail: the outbox written in the write path's transactions, and its dispatcher. */
@Global()
@Module({ providers: [MailService], exports: [MailService] })
export class MailModule {}

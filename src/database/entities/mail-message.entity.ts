import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * The outbox: a mail is written here in the transaction of the change it tells about, then
 * sent (and retried) by the mail dispatcher. A failed send never loses the change, and every
 * attempt is visible.
 */
@Entity({ name: 'mail_messages' })
@Index('mail_messages_due_idx', ['status', 'nextAttemptAt'])
@Index('mail_messages_subject_idx', ['subjectType', 'subjectId'])
@Check('mail_messages_status_check', `"status" IN ('PENDING', 'SENT', 'FAILED')`)
@Check('mail_messages_locale_check', `"locale" IN ('fr', 'en')`)
export class MailMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text', { name: 'to_address' })
  toAddress: string;

  @Column('uuid', { name: 'to_user_id', nullable: true })
  toUserId: string | null;

  @Column('text')
  locale: string;

  /** Template key, e.g. `invitation`, `invitation.approval_needed`, `membership.renewal_due`. */
  @Column('text')
  template: string;

  @Column('jsonb', { default: () => "'{}'" })
  params: Record<string, unknown>;

  /** PENDING until sent; FAILED once the attempts are exhausted. */
  @Column('text')
  status: string;

  @Column('integer', { default: 0 })
  attempts: number;

  @Column('text', { name: 'last_error', nullable: true })
  lastError: string | null;

  @Column('timestamptz', { name: 'next_attempt_at' })
  nextAttemptAt: Date;

  @Column('timestamptz', { name: 'sent_at', nullable: true })
  sentAt: Date | null;

  /** The object the mail is about (`Invitation`, `Membership`, `Organization`, `User`). */
  @Column('text', { name: 'subject_type', nullable: true })
  subjectType: string | null;

  @Column('uuid', { name: 'subject_id', nullable: true })
  subjectId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}

import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Invitation } from './invitation.entity';
import { User } from './user.entity';

/**
 * One user's answer to an organisation invitation: the invitation stays PENDING for the
 * organisation's other users, so each acceptance and each refusal is recorded here, once per
 * user (the primary key makes a second answer impossible, even under concurrency).
 */
@Entity({ name: 'invitation_answers' })
@Index('invitation_answers_user_idx', ['userId'])
@Check('invitation_answers_answer_check', `"answer" IN ('ACCEPTED', 'DECLINED')`)
export class InvitationAnswer {
  @PrimaryColumn('uuid', { name: 'invitation_id' })
  invitationId: string;

  @ManyToOne(() => Invitation, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'invitation_id', foreignKeyConstraintName: 'invitation_answers_invitation_fk' })
  invitation?: Invitation;

  @PrimaryColumn('uuid', { name: 'user_id' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'invitation_answers_user_fk' })
  user?: User;

  @Column('text')
  answer: 'ACCEPTED' | 'DECLINED';

  @Column('timestamptz', { name: 'answered_at' })
  answeredAt: Date;
}

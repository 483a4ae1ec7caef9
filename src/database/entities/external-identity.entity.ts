import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from './user.entity';
import { IdpConnection } from './idp-connection.entity';

/** Links a user to the (connection, NameID) pair that signs them in. */
@Entity({ name: 'external_identities' })
@Index('external_identities_connection_name_id_key', ['connectionId', 'nameId'], { unique: true })
@Index('external_identities_user_idx', ['userId'])
export class ExternalIdentity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'user_id' })
  userId: string;

  @Column('uuid', { name: 'connection_id' })
  connectionId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'external_identities_user_fk' })
  user?: User;

  @ManyToOne(() => IdpConnection, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id', foreignKeyConstraintName: 'external_identities_connection_fk' })
  connection?: IdpConnection;

  @Column('text', { name: 'name_id' })
  nameId: string;

  @Column('text', { name: 'name_id_format', nullable: true })
  nameIdFormat: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** SAML request (InResponseTo) and assertion-replay caches, keyed per connection. */
@Entity({ name: 'saml_cache_entries' })
@Index('saml_cache_entries_expires_idx', ['expiresAt'])
export class SamlCacheEntry {
  /** 'request' or 'assertion'. */
  @PrimaryColumn('text')
  kind: string;

  @PrimaryColumn('uuid', { name: 'connection_id' })
  connectionId: string;

  @PrimaryColumn('text')
  key: string;

  @Column('text', { default: '' })
  value: string;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt: Date;
}

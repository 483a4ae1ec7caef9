import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a scheduled job in at most one instance at a time: the job's transaction first takes
 * a PostgreSQL advisory lock named after the job (`pg_try_advisory_xact_lock`); an instance
 * that finds it taken skips this round. The lock ends with the transaction, even on a crash.
 */
@Injectable()
export class ExclusiveJobRunner {
  private readonly logger = new Logger(ExclusiveJobRunner.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The job's result, or null when another instance holds the lock. */
  async run<T>(job: string, work: (manager: EntityManager) => Promise<T>): Promise<T | null> {
    return this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1::bigint) AS locked', [
        lockKey(job),
      ]);
      if (!locked) {
        this.logger.debug(`${job}: another instance runs it`);
        return null;
      }
      return work(manager);
    });
  }
}

/** A stable 63-bit key per job name. */
export function lockKey(job: string): string {
  return BigInt.asIntN(
    64,
    BigInt('0x' + createHash('sha256').update(`passerelle:job:${job}`).digest('hex').slice(0, 16)),
  ).toString();
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { ExclusiveJobRunner } from './exclusive-job.runner';

/**
 * Scheduled work (reminders, lapses, invitation expiry, mail retries). Each job is a plain
 * service method run under ExclusiveJobRunner, so several instances run it once; the
 * schedule itself is on only where JOBS_ENABLED (off in tests, which call the methods).
 */
@Global()
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: JobsModule,
      imports: config.jobsEnabled ? [ScheduleModule.forRoot()] : [],
      providers: [ExclusiveJobRunner],
      exports: [ExclusiveJobRunner],
    };
  }
}

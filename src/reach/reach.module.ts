import { Module } from '@nestjs/common';
import { ReachRepository } from './reach.repository';
import { ReachResolver } from './reach.resolver';
import { ReachService } from './reach.service';

/** Who can access what, what one reaches, view as, and the dry run of an access change. */
@Module({ providers: [ReachRepository, ReachService, ReachResolver] })
export class ReachModule {}

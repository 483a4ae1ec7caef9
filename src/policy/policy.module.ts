import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { ExplainFactsRepository } from './explain-facts.repository';
import { ExplainService } from './explain.service';
import { PolicyResolver } from './policy.resolver';
import { PolicyService } from './policy.service';

/** The security review's policy reads: the policy as data (`accessPolicy`) and explained decisions (`explainAccess`). */
@Module({
  imports: [UsersModule],
  providers: [PolicyService, ExplainService, ExplainFactsRepository, PolicyResolver],
  exports: [PolicyService],
})
export class PolicyModule {}

import { Global, Module } from '@nestjs/common';
import { AbilityFactory } from './ability.factory';
import { AccessService } from './access.service';
import { DenialAuditPlugin } from './denial-audit.plugin';
import { DenialService } from './denial.service';
import { SubjectFactsService } from './subject-facts.service';

/** What the caller may see and do: abilities, the rule pushed into SQL, denials. Who the caller is: auth/. */
@Global()
@Module({
  providers: [AbilityFactory, AccessService, DenialService, DenialAuditPlugin, SubjectFactsService],
  exports: [AbilityFactory, AccessService, DenialService, SubjectFactsService],
})
export class AccessModule {}

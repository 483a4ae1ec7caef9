import { Global, Module } from '@nestjs/common';
import { AbilityFactory } from './ability.factory';
import { AccessService } from './access.service';
import { DenialAuditPlugin } from './denial-audit.plugin';
import { DenialService } from './denial.service';

/** What the caller may see and do: abilities, the rule pushed into SQL, denials. Who the caller is: auth/. */
@Global()
@Module({
  providers: [AbilityFactory, AccessService, DenialService, DenialAuditPlugin],
  exports: [AbilityFactory, AccessService, DenialService],
})
export class AccessModule {}

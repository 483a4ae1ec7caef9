import { Global, Module } from '@nestjs/common';
import { AbilityFactory } from './ability.factory';
import { AccessService } from './access.service';
import { DenialAuditPlugin } from './denial-audit.plugin';
import { DenialService } from './denial.service';
import { WriteRunner } from './write-runner';

/** What the caller may see and do: abilities, the rule pushed into SQL, denials. Who the caller is: auth/. */
@Global()
@Module({
  providers: [AbilityFactory, AccessService, DenialService, DenialAuditPlugin, WriteRunner],
  exports: [AbilityFactory, AccessService, DenialService, WriteRunner],
})
export class AccessModule {}

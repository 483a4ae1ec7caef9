import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AbilityFactory } from './ability.factory';
import { AccessService } from './access.service';
import { AuthenticationGuard } from './authentication.guard';
import { AuthenticationService } from './authentication.service';
import { DenialAuditPlugin } from './denial-audit.plugin';
import { DenialService } from './denial.service';
import { PrincipalService } from './principal.service';
import { SubjectFactsService } from './subject-facts.service';

@Global()
@Module({
  providers: [
    AbilityFactory,
    AccessService,
    PrincipalService,
    AuthenticationService,
    DenialService,
    DenialAuditPlugin,
    SubjectFactsService,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [AbilityFactory, AccessService, PrincipalService, AuthenticationService, DenialService, SubjectFactsService],
})
export class AccessModule {}

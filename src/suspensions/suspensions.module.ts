import { Module } from '@nestjs/common';
import { SuspensionsRepository } from './suspensions.repository';
import { SuspensionsResolver } from './suspensions.resolver';
import { SuspensionsService } from './suspensions.service';

/** The kill switch: suspending an organisation or disabling a person, their dry runs, and the way back. */
@Module({ providers: [SuspensionsRepository, SuspensionsService, SuspensionsResolver] })
export class SuspensionsModule {}

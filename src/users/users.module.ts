import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsersResolver } from './users.resolver';
import { UsersService } from './users.service';

@Module({ imports: [OrganizationsModule], providers: [UsersService, UsersResolver], exports: [UsersService] })
export class UsersModule {}

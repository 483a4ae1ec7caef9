import { CarriedCheck } from '../graphql/carried-check';
import { Args, ID, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from '../graphql/graphql-context.decorator';
import { parseId, Connection } from '../graphql/pagination';
import { Organization } from '../database/entities/organization.entity';
import { visibleEmail } from './user-fields';
import { prefetch } from '../graphql/prefetched';
import { OrganizationModel } from '../organizations/models/organization.model';
import { knownOrganizationLoader } from '../organizations/organization.loader';
import { OrganizationsService } from '../organizations/organizations.service';
import { User } from '../database/entities/user.entity';
import { DirectoryArgs } from './dto/directory.args';
import { ExpertsArgs } from './dto/experts.args';
import { UserConnection, UserModel } from './models/user.model';
import { UsersService } from './users.service';

@Resolver(() => UserModel)
export class UsersResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly organizationsService: OrganizationsService,
    private readonly denials: DenialService,
    private readonly carried: CarriedCheck,
  ) {}

  /** A person the caller sees, their organisation and email fetched with them (prefetched.ts). */
  private async findWithOrganization(v: Viewer, id: string): Promise<User | null> {
    return this.served(v, await this.usersService.findVisibleWithOrganization(v.ability, id));
  }

  /** A person and their organisation, fetched together: the organisation and email served from them. */
  private served(v: Viewer, found: { user: User; organization: Organization } | null): User | null {
    return found ? this.serve(v, found) : null;
  }

  private serve(v: Viewer, found: { user: User; organization: Organization }): User {
    knownOrganizationLoader(v, this.organizationsService).prime(found.organization.id, found.organization);
    return prefetch(found.user, { organization: found.organization, email: visibleEmail(v.ability, found.user) });
  }

  @Query(() => UserModel, { description: 'The signed-in caller.' })
  me(@CurrentViewer() v: Viewer): Promise<User> {
    // Its statement proves a cached principal (carried-check.ts).
    return this.carried.run(v, async (v) => {
      const me = this.served(v, await this.usersService.findSelfWithOrganization(v.ability, v.principal.userId));
      if (!me) throw await this.denials.notFound(v.principal, 'User', v.principal.userId, v.ctx.req.requestId);
      return me;
    });
  }

  @Query(() => UserModel, { nullable: true, description: 'A person the caller sees; NOT_FOUND otherwise.' })
  user(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<User> {
    // Its statement proves a cached principal (carried-check.ts); a malformed id is refused once it is proven.
    return this.carried.run(v, async (v) => {
      const uuid = parseId(id);
      const found = uuid ? await this.findWithOrganization(v, uuid) : null;
      if (!found) {
        await this.carried.prove(v);
        throw await this.denials.notFound(v.principal, 'User', id, v.ctx.req.requestId);
      }
      return found;
    });
  }

  @Query(() => UserConnection, { description: 'The directory: every person the caller sees.' })
  users(@CurrentViewer() v: Viewer, @Args() args: DirectoryArgs): Promise<Connection<User>> {
    // Its one statement, people with their organisations, proves a cached principal (carried-check.ts).
    return this.carried.run(v, (v) =>
      this.usersService.directory(v.ability, { first: args.first, after: args.after }, args.search, (found) =>
        this.serve(v, found),
      ),
    );
  }

  @Query(() => UserConnection, {
    description:
      'The directory of experts, by name then id: internal callers find every internal user and the externals they share a space with; externals find the people they share a space with (HUB rule), except those who hide from externals. Externals of a space with an open risk of impact 3 or more are left out.',
  })
  experts(@CurrentViewer() v: Viewer, @Args() args: ExpertsArgs): Promise<Connection<User>> {
    return this.usersService.experts(v.principal, v.ability, { first: args.first, after: args.after }, args);
  }

  /** The field rule: only where the caller may read this user's email. */
  @ResolveField(() => String, { nullable: true })
  email(@CurrentViewer() v: Viewer, @Parent() user: User): string | null {
    return visibleEmail(v.ability, user);
  }

  @ResolveField(() => OrganizationModel)
  async organization(@CurrentViewer() v: Viewer, @Parent() user: User): Promise<Organization> {
    // The organisation of a user the caller sees is visible to the caller (DESIGN 2, Organisations).
    const org = await knownOrganizationLoader(v, this.organizationsService).load(user.organizationId);
    if (!org) throw new Error(`organization ${user.organizationId} of user ${user.id} is missing`);
    return org;
  }
}

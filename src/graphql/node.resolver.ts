import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DenialService } from '../access/denial.service';
import { PostsService } from '../content/posts.service';
import { OrganizationsService } from '../organizations/organizations.service';
import { SpacesService } from '../spaces/spaces.service';
import { UsersService } from '../users/users.service';
import { CurrentViewer, Viewer } from './graphql-context.decorator';
import { NodeInterface } from './node.interface';
import { parseId } from './pagination';

type NodeType = 'Organization' | 'User' | 'Space' | 'Post' | 'Comment';

/** `node(id)`: any object by UUID, under exactly the rule its own typed fetch obeys. */
@Resolver(() => NodeInterface)
export class NodeResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organizationsService: OrganizationsService,
    private readonly usersService: UsersService,
    private readonly spacesService: SpacesService,
    private readonly postsService: PostsService,
    private readonly denials: DenialService,
  ) {}

  @Query(() => NodeInterface, { nullable: true, description: 'An organisation, user, space, post or comment by id; NOT_FOUND when invisible or missing.' })
  async node(@CurrentViewer() v: Viewer, @Args('id', { type: () => ID }) id: string): Promise<NodeInterface & { __typename: NodeType }> {
    const uuid = parseId(id);
    const type = uuid ? await this.typeOf(uuid) : null;
    const found = uuid && type ? await this.fetch(v, type, uuid) : null;
    if (!type || !found) throw await this.denials.notFound(v.principal, type ?? 'Node', id, v.ctx.req.requestId);
    return Object.assign(found, { __typename: type });
  }

  private async typeOf(id: string): Promise<NodeType | null> {
    const rows: { t: NodeType }[] = await this.dataSource.query(
      `SELECT 'Organization' AS t FROM organizations WHERE id = $1
       UNION ALL SELECT 'User' FROM users WHERE id = $1
       UNION ALL SELECT 'Space' FROM spaces WHERE id = $1
       UNION ALL SELECT 'Post' FROM posts WHERE id = $1
       UNION ALL SELECT 'Comment' FROM comments WHERE id = $1
       LIMIT 1`,
      [id],
    );
    return rows[0]?.t ?? null;
  }

  private fetch(v: Viewer, type: NodeType, id: string): Promise<NodeInterface | null> {
    switch (type) {
      case 'Organization':
        return this.organizationsService.findVisible(v.ability, id);
      case 'User':
        return this.usersService.findVisible(v.ability, id);
      case 'Space':
        return this.spacesService.findVisible(v.ability, id);
      case 'Post':
        return this.postsService.findVisible(v.ability, id);
      case 'Comment':
        return this.postsService.findVisibleComment(v.ability, id);
    }
  }
}

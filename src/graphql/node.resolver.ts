import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DenialService } from '../access/denial.service';
import { CurrentViewer, Viewer } from './graphql-context.decorator';
import { NodeInterface } from './node.interface';
import { NodeRegistry, NodeType } from './node-registry';
import { parseId } from './pagination';

/** `node(id)`: any object by UUID, under exactly the rule its own typed fetch obeys. */
@Resolver(() => NodeInterface)
export class NodeResolver {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: NodeRegistry,
    private readonly denials: DenialService,
  ) {}

  @Query(() => NodeInterface, {
    nullable: true,
    description: 'An organisation, user, space, post or comment by id; NOT_FOUND when invisible or missing.',
  })
  async node(
    @CurrentViewer() v: Viewer,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<NodeInterface & { __typename: string }> {
    const uuid = parseId(id);
    const type = uuid ? await this.typeOf(uuid) : null;
    const found = uuid && type ? await type.fetch(v.ability, uuid) : null;
    if (!type || !found)
      throw await this.denials.notFound(v.principal, type?.typeName ?? 'Node', id, v.ctx.req.requestId);
    return Object.assign(found, { __typename: type.typeName });
  }

  /** The registered type whose table holds this UUID, found in one query. */
  private async typeOf(id: string): Promise<NodeType | null> {
    const types = this.registry.all();
    if (types.length === 0) return null;
    // Type names are bound as parameters; table names were checked when registered.
    const union = types
      .map((t, i) => `SELECT $${i + 2}::text AS t FROM ${t.table} WHERE id = $1`)
      .join('\n       UNION ALL ');
    const rows: { t: string }[] = await this.dataSource.query(`${union}\n       LIMIT 1`, [
      id,
      ...types.map((t) => t.typeName),
    ]);
    return rows[0] ? (this.registry.get(rows[0].t) ?? null) : null;
  }
}

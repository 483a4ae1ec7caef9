import { Global, Injectable, Module } from '@nestjs/common';
import { AppAbility } from '../access/subjects';
import { NodeInterface } from './node.interface';

/** How a feature fetches one of its objects by UUID, under the rule its own typed fetch obeys. */
export type NodeFetcher = (ability: AppAbility, id: string) => Promise<NodeInterface | null>;

export interface NodeType {
  /** The GraphQL type name (`__typename`). */
  typeName: string;
  /** The table whose primary key holds the object's UUID. */
  table: string;
  fetch: NodeFetcher;
}

/**
 * What `node(id)` can return. Each feature module registers its types when it starts, so
 * graphql/ knows no feature; the types are tried in registration order.
 */
@Injectable()
export class NodeRegistry {
  private readonly types = new Map<string, NodeType>();

  register(typeName: string, table: string, fetch: NodeFetcher): void {
    if (this.types.has(typeName)) throw new Error(`node type ${typeName} is registered twice`);
    if (!/^[a-z_]+$/.test(table)) throw new Error(`node type ${typeName}: bad table name ${table}`);
    this.types.set(typeName, { typeName, table, fetch });
  }

  all(): NodeType[] {
    return [...this.types.values()];
  }

  get(typeName: string): NodeType | undefined {
    return this.types.get(typeName);
  }
}

/** Provides the one NodeRegistry to every feature module. */
@Global()
@Module({ providers: [NodeRegistry], exports: [NodeRegistry] })
export class NodeRegistryModule {}

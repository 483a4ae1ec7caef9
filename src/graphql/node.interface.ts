import { Field, ID, InterfaceType } from '@nestjs/graphql';

/** Anything fetchable by its UUID through `node(id)`. */
@InterfaceType('Node', {
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class NodeInterface {
  @Field(() => ID)
  id: string;
}

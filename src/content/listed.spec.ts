import { buildSchema, FieldNode, GraphQLObjectType, OperationDefinitionNode, parse } from 'graphql';
import { listShape } from './listed';

// The listed types as far as these tests need them: fields without a resolver read the property
// of their name; `mystery` has a resolver whose reads no one declared (RESOLVER_READS).
const schema = buildSchema(`
  type Organization { id: ID! name: String! createdAt: String }
  type User { id: ID! displayName: String! createdAt: String bio: String organization: Organization! mystery: String }
  type Post { id: ID! title: String! body: String! author: User! mystery: String }
  type Space { id: ID! name: String! }
  type PostEdge { node: Post! }
  type PostConnection { edges: [PostEdge!]! }
  type Query { posts: PostConnection! space: Space }
`);
for (const type of ['User', 'Post']) {
  (schema.getType(type) as GraphQLObjectType).getFields().mystery.resolve = () => 'unknown reads';
}

function shapeOf(node: string) {
  const operation = parse(`{ posts { edges { node { ${node} } } } }`).definitions[0] as OperationDefinitionNode;
  return listShape({ fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments: {}, schema }, 'Post');
}

describe('listShape', () => {
  it('leaves out the columns no selected field reads', () => {
    const shape = shapeOf('id title author { id displayName }');
    expect(shape.omit.item).toContain('body');
    expect(shape.omit.item).not.toContain('title');
    expect(shape.omit.user).toEqual(expect.arrayContaining(['bio', 'createdAt', 'email']));
    expect(shape.omit.user).not.toContain('displayName');
  });

  it('fetches whole rows but for what nothing reads when a resolver reads what it did not declare', () => {
    const shape = shapeOf('id mystery author { id mystery }');
    expect(shape.omit.item).toEqual(['body']);
    expect(shape.omit.user).toEqual(expect.arrayContaining(['bio', 'createdAt']));
    expect(shape.omit.user).not.toContain('email');
  });

  // A field without a resolver reads its property in line, where a column left out would throw
  // out of the execution instead of failing its own field (prefetched.ts, holdValues).
  it('never leaves out a column a selected field without a resolver reads, even one nothing else reads', () => {
    const shape = shapeOf('id body mystery author { id createdAt bio mystery organization { id createdAt } }');
    expect(shape.omit.item).not.toContain('body');
    expect(shape.omit.user).not.toContain('createdAt');
    expect(shape.omit.user).not.toContain('bio');
    expect(shape.omit.user).toEqual(expect.arrayContaining(['disabledAt', 'lastLoginAt', 'updatedAt']));
    expect(shape.omit.organization).not.toContain('createdAt');
  });
});

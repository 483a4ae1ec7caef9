import { GraphQLSchemaHost } from '@nestjs/graphql';
import { FieldNode, GraphQLObjectType, Kind, OperationDefinitionNode, parse } from 'graphql';
import { listShape } from '../src/content/listed';
import { SMALL_WORLD } from './fixtures/small-world';
import { expectData } from './support/graphql-expect';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A list of posts or comments fetches only the columns its selected fields read (listed.ts).
 * Whatever a document selects, each listed post and comment must answer exactly what the same
 * post answers on its own (`post(id:)`, whose row is fetched whole): a field whose reads were
 * declared wrong would throw (an entity hydrated without a column throws when it is read) or
 * differ.
 */
describe('columns a list fetches', () => {
  let t: TestApp;
  let ids: Record<string, string>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set(new Date('2026-06-01T00:00:00Z'));
    ids = await t.importWorld(SMALL_WORLD);
    for (const u of SMALL_WORLD.users) tokens[u.key] = await t.tokenFor(ids[u.key]);
    // Something for history, reactions and mentions to answer: the owner posts (mentioning
    // Bob, who cannot read the open space), edits, reacts and comments, in the open and the HUB space.
    for (const space of ['open', 'hub']) {
      const { createPost } = expectData(
        await t.gql(
          tokens.owner,
          'mutation($s: ID!, $b: String!) { createPost(input: { spaceId: $s, title: "Draft", body: $b }) { id } }',
          { s: ids[space], b: `For @${ids.bob} and all` },
        ),
      );
      const id = createPost.id;
      expectData(await t.gql(tokens.owner, 'mutation($id: ID!) { editPost(id: $id, title: "Edited") { id } }', { id }));
      expectData(await t.gql(tokens.owner, 'mutation($id: ID!) { react(postId: $id, emoji: "👍") { id } }', { id }));
      const { commentOnPost } = expectData(
        await t.gql(tokens.owner, 'mutation($id: ID!) { commentOnPost(postId: $id, body: "Agreed") { id } }', { id }),
      );
      const comment = { id: commentOnPost.id };
      expectData(
        await t.gql(tokens.owner, 'mutation($id: ID!) { editComment(id: $id, body: "Agreed, twice") { id } }', comment),
      );
      expectData(
        await t.gql(tokens.owner, 'mutation($id: ID!) { react(commentId: $id, emoji: "🎉") { id } }', comment),
      );
    }
  });

  afterAll(() => t.close());

  /** Selections of a post, each with one or a few fields whose resolvers declare what they read. */
  const COMMENT_FIELDS = [
    'id',
    'deleted',
    'post { id title }',
    'author { id }',
    'author { organization { id name } }',
    'history { body replacedAt }',
    'reactionCounts { emoji count reactedByMe }',
    'reactions(first: 5) { totalCount }',
    'unreachableMentions',
    'hidden hiddenReason editedAt deletedAt createdAt body',
  ];
  const POST_FIELDS = [
    'id',
    'deleted',
    'commentCount',
    'label title',
    'author { id displayName }',
    'author { id email }',
    'author { organization { id } }',
    'author { jobTitle skills bio clearance roles locale hiddenFromExternals }',
    'author { organization { kind clearanceCap status domains sponsor { id } } }',
    'space { id }',
    'space { name classification partnerVisibility status purpose createdAt }',
    'space { viewerCan { post moderate } }',
    'space { posts(first: 2) { edges { node { id } } } }',
    'space { members(first: 3) { edges { node { id } } } }',
    'history { title label replacedAt }',
    'reactionCounts { emoji count reactedByMe }',
    'reactions(first: 5) { edges { node { id emoji } } }',
    'unreachableMentions',
    'hidden hiddenAt hiddenReason editedAt deletedAt body',
    ...COMMENT_FIELDS.map((f) => `comments(first: 3) { totalCount edges { node { ${f} } } }`),
  ];

  it.each(['owner', 'alice', 'bob'])(
    "answers every field of the feed's and a space's posts as each post answers it alone (%s)",
    async (who) => {
      let compared = 0;
      const alone = async (id: string, fields: string) =>
        expectData(await t.gql(tokens[who], `query($id: ID!) { post(id: $id) { id ${fields} } }`, { id })).post;
      const spaces = expectData(await t.gql(tokens[who], '{ spaces(first: 50) { edges { node { id } } } }'));
      for (const fields of POST_FIELDS) {
        const feed = expectData(await t.gql(tokens[who], `{ feed(first: 20) { edges { node { id ${fields} } } } }`));
        for (const { node } of feed.feed.edges) {
          expect({ fields, node }).toEqual({ fields, node: await alone(node.id, fields) });
          compared++;
        }
        for (const { node: space } of spaces.spaces.edges) {
          const page = expectData(
            await t.gql(
              tokens[who],
              `query($id: ID!) { space(id: $id) { posts(first: 20) { edges { node { id ${fields} } } } } }`,
              {
                id: space.id,
              },
            ),
          );
          for (const { node } of page.space.posts.edges) {
            expect({ fields, node }).toEqual({ fields, node: await alone(node.id, fields) });
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(POST_FIELDS.length);
    },
  );

  /** The shape a document's first `posts` field under `space` gets from the gateway's schema. */
  const shapeOf = (document: string) => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const operation = parse(document).definitions[0] as OperationDefinitionNode;
    const space = operation.selectionSet.selections[0] as FieldNode;
    const posts = space.selectionSet?.selections.find(
      (s) => s.kind === Kind.FIELD && s.name.value === 'posts',
    ) as FieldNode;
    return listShape({ fieldNodes: [posts], fragments: {}, schema }, 'Post');
  };

  it('has the listed columns, the edges and the nodes read in line, and what may be a promise through resolvers', () => {
    const { schema } = t.app.get(GraphQLSchemaHost);
    const resolved = (type: string) => {
      const fields = (schema.getType(type) as GraphQLObjectType).getFields();
      return (name: string) => fields[name].resolve !== undefined;
    };
    for (const field of ['id', 'title', 'label', 'createdAt']) expect(resolved('Post')(field)).toBe(false);
    for (const field of ['id', 'body']) expect(resolved('Comment')(field)).toBe(false);
    for (const field of ['id', 'displayName', 'bio']) expect(resolved('User')(field)).toBe(false);
    expect(resolved('Organization')('name')).toBe(false);
    expect(resolved('Space')('name')).toBe(false);
    for (const connection of ['PostConnection', 'CommentConnection', 'UserConnection']) {
      expect([resolved(connection)('edges'), resolved(connection)('pageInfo')]).toEqual([false, false]);
      // A count is a promise; a cursor is encoded when read.
      expect(resolved(connection)('totalCount')).toBe(true);
      const edge = connection.replace('Connection', 'Edge');
      expect([resolved(edge)('node'), resolved(edge)('cursor')]).toEqual([false, true]);
    }
    // Fields with resolvers of their own keep them, and a plain field nothing declared keeps the framework's.
    for (const field of ['author', 'commentCount', 'comments', 'space']) expect(resolved('Post')(field)).toBe(true);
    expect(resolved('User')('email')).toBe(true);
    expect(resolved('Membership')('role')).toBe(true);
  });

  it('leaves out of a list the columns none of its selected fields reads, and only those', () => {
    const narrow = shapeOf(
      '{ space(id: "x") { posts(first: 20) { edges { node { id title author { id displayName } } } } } }',
    );
    expect(narrow.omit.item).toEqual(expect.arrayContaining(['body', 'label', 'hidden', 'hiddenReason', 'spaceId']));
    for (const read of ['id', 'title', 'createdAt', 'authorId']) expect(narrow.omit.item).not.toContain(read);
    expect(narrow.omit.user).toEqual(expect.arrayContaining(['email', 'roles', 'clearance', 'organizationId']));
    for (const read of ['id', 'displayName']) expect(narrow.omit.user).not.toContain(read);

    // The email's field rule decides on the author's organisation: fetched with the address.
    const email = shapeOf('{ space(id: "x") { posts(first: 20) { edges { node { id author { email } } } } } }');
    expect(email.emails).toBe(true);
    expect(email.omit.user).toEqual(expect.arrayContaining(['lastLoginAt', 'bio', 'roles', 'clearance']));
    for (const read of ['id', 'email', 'organizationId']) expect(email.omit.user).not.toContain(read);

    // A field whose reads are not declared (the rules decide on the row): the row whole, but for what no field reads.
    const roles = shapeOf('{ space(id: "x") { posts(first: 20) { edges { node { id author { roles } } } } } }');
    expect(roles.omit.user).toEqual(expect.arrayContaining(['lastLoginAt', 'bio']));
    for (const read of ['id', 'email', 'organizationId', 'roles', 'clearance', 'hiddenFromExternals', 'status'])
      expect(roles.omit.user).not.toContain(read);
  });
});

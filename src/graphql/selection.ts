import { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The fields a request selects under the current field along `path` (e.g. `edges.node`),
 * through fragments and inline fragments: a list resolver uses it to fetch in one statement
 * what the fields below it would otherwise fetch one batch at a time, and only when asked.
 * Directives are not evaluated: a field under @skip counts as selected (fetched, not shown).
 */
export function selectedFields(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  path: readonly string[] = [],
): Set<string> {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  for (const step of path) {
    sets = fieldsOf(sets, info.fragments)
      .filter((f) => f.name.value === step)
      .map((f) => f.selectionSet)
      .filter((s): s is SelectionSetNode => !!s);
  }
  return new Set(fieldsOf(sets, info.fragments).map((f) => f.name.value));
}

/**
 * The nodes of the fields named `path`'s last step under the rest of `path` (through
 * fragments, directives not evaluated), e.g. every `comments` under `edges.node`.
 */
export function fieldNodesAt(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  path: readonly string[],
): FieldNode[] {
  let sets = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => !!s);
  for (const step of path.slice(0, -1)) {
    sets = fieldsOf(sets, info.fragments)
      .filter((f) => f.name.value === step)
      .map((f) => f.selectionSet)
      .filter((s): s is SelectionSetNode => !!s);
  }
  return fieldsOf(sets, info.fragments).filter((f) => f.name.value === path[path.length - 1]);
}

function fieldsOf(sets: readonly SelectionSetNode[], fragments: Record<string, FragmentDefinitionNode>): FieldNode[] {
  const out: FieldNode[] = [];
  const walk = (set: SelectionSetNode, seen: Set<string>) => {
    for (const s of set.selections) {
      if (s.kind === 'Field') out.push(s);
      else if (s.kind === 'InlineFragment') walk(s.selectionSet, seen);
      else if (!seen.has(s.name.value) && fragments[s.name.value]) {
        seen.add(s.name.value);
        walk(fragments[s.name.value].selectionSet, seen);
      }
    }
  };
  for (const set of sets) walk(set, new Set());
  return out;
}

import {
  GraphQLError,
  Kind,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** Limits on one GraphQL operation, checked before anything runs. */
export interface QueryLimits {
  /** Deepest selection (the root fields are depth 1). */
  maxDepth: number;
  /** Most selected fields, counting each alias and each fragment use: the operation's cost. */
  maxFields: number;
}

function measure(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
  depth: number,
  seen: Set<string>,
  totals: { fields: number; depth: number },
  limits: QueryLimits,
): void {
  for (const selection of selectionSet.selections) {
    // Stop walking as soon as a limit is passed: a hostile query must not cost us the walk itself.
    if (totals.fields > limits.maxFields || totals.depth > limits.maxDepth) return;
    if (selection.kind === Kind.FIELD) {
      // Introspection (__schema, __type) reads the schema, not the database; explorers nest it deeply.
      if (selection.name.value.startsWith('__')) continue;
      totals.fields += 1;
      if (selection.selectionSet) {
        totals.depth = Math.max(totals.depth, depth + 1);
        measure(selection.selectionSet, fragments, depth + 1, seen, totals, limits);
      }
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure(selection.selectionSet, fragments, depth, seen, totals, limits);
    } else {
      const fragment = fragments.get(selection.name.value);
      // A fragment cycle is reported by graphql's own NoFragmentCyclesRule; do not loop on it here.
      if (!fragment || seen.has(fragment.name.value)) continue;
      seen.add(fragment.name.value);
      measure(fragment.selectionSet, fragments, depth, seen, totals, limits);
      seen.delete(fragment.name.value);
    }
  }
}

/** A validation rule refusing operations deeper than `maxDepth` or selecting more than `maxFields` fields. */
export function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }
    return {
      OperationDefinition(operation) {
        const totals = { fields: 0, depth: 1 };
        measure(operation.selectionSet, fragments, 1, new Set(), totals, limits);
        if (totals.depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`The operation is nested deeper than the limit of ${limits.maxDepth}`, {
              nodes: [operation],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        } else if (totals.fields > limits.maxFields) {
          context.reportError(
            new GraphQLError(
              `The operation selects more than the limit of ${limits.maxFields} fields (aliases count)`,
              {
                nodes: [operation],
                extensions: { code: 'QUERY_TOO_COMPLEX' },
              },
            ),
          );
        }
      },
    };
  };
}

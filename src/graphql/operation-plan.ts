import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';
import { Authorized, Extensions } from 'type-graphql';
import { requireScope, type Principal, type Scope } from '../auth/scopes';
import { AppError, httpStatusFor } from '../errors/app-error';
import type { GraphQLContext } from './context';

/**
 * What an operation will need, known before any of its fields runs: the scopes of every field it selects (so a
 * mutation mixing a write and an admin field is refused as a whole, and nothing is written behind a 403), how many
 * rows it may touch at most (list sizes multiplied through the nesting), and how many units it costs the caller's
 * rate limit (one per root field, aliases included: 200 aliased creates are 200 units, as 200 requests would be).
 */
export interface OperationPlan {
  scopes: Set<Scope>;
  /** Upper bound of the rows the operation reads or writes. */
  rows: number;
  /** Units to charge per scope. */
  units: Map<Scope, number>;
}

/**
 * How many rows a field touches, for the plan: a list argument with its default and ceiling (`limit`, `first`),
 * the length of a list argument (`inputs` of a batch), or a fixed bound for lists without an argument.
 */
export type RowsSpec =
  | { arg: string; default: number; max: number }
  | { lengthOf: string }
  | { fixed: number }
  | { inputArg: string; field: string; default: number; max: number };

/** Field metadata the plan reads (GraphQL field extensions, set with the decorators below). */
interface FieldPlanExtensions {
  scope?: Scope;
  rows?: RowsSpec;
}

/**
 * The scope a field needs: checked for the whole operation before it runs (the plan), and again by the field's
 * resolver (type-graphql's `@Authorized`), which also covers execution paths that skip the plan.
 */
export function RequireScope(scope?: Scope): MethodDecorator & PropertyDecorator {
  // Without a scope: any valid key (the `me` query).
  const authorized = scope ? Authorized(scope) : Authorized();
  const extension = Extensions(scope ? { scope } : {});
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    authorized(target, key, descriptor as TypedPropertyDescriptor<unknown>);
    extension(target, key, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

/** Declares the rows a field may touch (see RowsSpec); read by the plan before execution. */
export function Rows(rows: RowsSpec): MethodDecorator & PropertyDecorator {
  return Extensions({ rows });
}

function rowsOf(spec: Exclude<RowsSpec, { lengthOf: string }>, args: Record<string, unknown>): number {
  if ('fixed' in spec) return spec.fixed;
  const source =
    'inputArg' in spec ? ((args[spec.inputArg] ?? {}) as Record<string, unknown>)[spec.field] : args[spec.arg];
  const value = typeof source === 'number' && Number.isFinite(source) && source > 0 ? source : spec.default;
  return Math.min(value, spec.max);
}

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  plan: OperationPlan;
}

function walk(
  { schema, fragments, variables, plan }: Walk,
  parent: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  multiplier: number,
  root: boolean,
  seen: Set<string>,
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
      if (type && 'getFields' in type)
        walk(
          { schema, fragments, variables, plan },
          type as GraphQLObjectType,
          selection.selectionSet,
          multiplier,
          root,
          seen,
        );
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      const type = schema.getType(fragment.typeCondition.name.value);
      if (!type || !('getFields' in type)) continue;
      seen.add(fragment.name.value);
      walk(
        { schema, fragments, variables, plan },
        type as GraphQLObjectType,
        fragment.selectionSet,
        multiplier,
        root,
        seen,
      );
      seen.delete(fragment.name.value);
      continue;
    }
    const name = selection.name.value;
    if (name.startsWith('__')) continue;
    const field: GraphQLField<unknown, unknown> | undefined = parent.getFields()[name];
    if (!field) continue; // graphql's validation reports it
    const extensions = field.extensions as FieldPlanExtensions;
    if (extensions.scope) {
      plan.scopes.add(extensions.scope);
      if (root) plan.units.set(extensions.scope, (plan.units.get(extensions.scope) ?? 0) + 1);
    }
    // Only fields that declare their rows count them (a page's `items` are the rows its field declared); lists
    // without a declaration are small by nature (lookups, scopes, a bucket list bounded elsewhere).
    let size = 1;
    if (extensions.rows) {
      const spec = extensions.rows;
      size =
        'lengthOf' in spec
          ? listLength(selection, spec.lengthOf, variables)
          : rowsOf(spec, argumentsOf(field, selection, variables));
      plan.rows += multiplier * size;
    }
    const type = getNamedType(field.type);
    if (selection.selectionSet && 'getFields' in type) {
      walk(
        { schema, fragments, variables, plan },
        type as GraphQLObjectType,
        selection.selectionSet,
        multiplier * size,
        false,
        seen,
      );
    }
  }
}

/**
 * How many items the list argument `name` of `node` holds, read from the request as sent: a batch of a thousand
 * creates is not coerced here only to be counted (execution coerces it once). A value that is not a list counts 1,
 * as GraphQL makes a one-item list of it.
 */
function listLength(node: FieldNode, name: string, variables: Record<string, unknown>): number {
  const value = node.arguments?.find((argument) => argument.name.value === name)?.value;
  if (value?.kind === Kind.LIST) return value.values.length;
  if (value?.kind === Kind.VARIABLE) {
    const given = variables[value.name.value];
    return Array.isArray(given) ? given.length : 1;
  }
  return 1;
}

function argumentsOf(
  field: GraphQLField<unknown, unknown>,
  node: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  try {
    return getArgumentValues(field, node, variables);
  } catch {
    // A value that does not coerce: execution reports it; the plan takes the defaults.
    return {};
  }
}

/** The plan of the operation `operationName` (or the only one) of `document`, with its variables. */
export function planOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
): OperationPlan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  }
  const plan: OperationPlan = { scopes: new Set(), rows: 0, units: new Map() };
  const operation = operationName ? operations.find((op) => op.name?.value === operationName) : operations[0];
  if (!operation) return plan;
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType();
  if (root) walk({ schema, fragments, variables, plan }, root, operation.selectionSet, 1, true, new Set());
  return plan;
}

/**
 * Refuses an operation before it runs when the caller lacks any scope it needs (FORBIDDEN, naming the first one
 * missing) or when it may touch more than `maxRows` rows (VALIDATION_ERROR naming its cost); otherwise returns it.
 */
export function authorizeOperation(plan: OperationPlan, principal: Principal | null, maxRows: number): OperationPlan {
  for (const scope of plan.scopes) requireScope(principal, scope);
  if (plan.rows > maxRows) {
    throw new AppError(
      'VALIDATION_ERROR',
      `The operation may touch up to ${plan.rows} rows (its cost), more than GRAPHQL_MAX_COST allows (${maxRows}): ask for smaller pages or fewer aliases`,
      { cost: plan.rows, maxCost: maxRows },
    );
  }
  return plan;
}

/** Charges the plan's units to the caller's rate limit, per scope. */
export async function chargeOperation(plan: OperationPlan, context: GraphQLContext): Promise<void> {
  for (const [scope, units] of plan.units) await context.chargeRateLimit(scope, units);
}

/**
 * Apollo plugin: plans every operation once it is parsed and validated, and refuses it before any field runs when the
 * key lacks a scope it needs (403, nothing written), when it is too costly (400 naming its cost) or when the rate
 * limit cannot take its units (429).
 */
export function operationPlanPlugin(maxRows: number): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, contextValue, schema }) {
          try {
            const plan = planOperation(schema, document, operationName, request.variables ?? {});
            await chargeOperation(authorizeOperation(plan, contextValue.principal, maxRows), contextValue);
          } catch (error) {
            const appError = error instanceof AppError ? error : new AppError('INTERNAL', 'Internal server error');
            throw new GraphQLError(appError.message, {
              originalError: appError,
              extensions: { http: { status: httpStatusFor(appError.code), headers: new Map() } },
            });
          }
        },
      };
    },
  };
}

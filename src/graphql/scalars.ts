import { GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';

/** Any JSON value (objects, arrays, strings, numbers, booleans, null). */
export const JSONScalar = GraphQLJSON;

/** Integers up to 2^53 − 1, serialised as JSON numbers (interaction numbers). */
export const SafeIntScalar = GraphQLSafeInt;

// Writes the committed schema.graphql from the code-first schema; CI regenerates it and fails on a diff.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { getSchema } from '../src/graphql/schema';

getSchema()
  .then((schema) => {
    const file = path.resolve(__dirname, '..', 'schema.graphql');
    writeFileSync(file, `${printSchema(lexicographicSortSchema(schema))}\n`);
    process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });

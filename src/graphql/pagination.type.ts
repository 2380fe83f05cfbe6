import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Where a page sits in the whole result.' })
export class Pagination {
  @Field(() => Int, { description: '1-based page number.' })
  page!: number;

  @Field(() => Int, { description: 'Page size in effect (after clamping to the maximum).' })
  limit!: number;

  @Field(() => Int, { description: 'Number of matching items in all pages (exact).' })
  total!: number;

  @Field(() => Int)
  totalPages!: number;

  @Field()
  hasNext!: boolean;

  @Field()
  hasPrev!: boolean;
}

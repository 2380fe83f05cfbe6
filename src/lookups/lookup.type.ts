import { Field, ID, InputType, InterfaceType, ObjectType } from 'type-graphql';

@InterfaceType('Lookup', {
  description: 'The fields every lookup kind (resource type, action, origin) has: fragments can select them once.',
})
export abstract class Lookup {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Upper-case identifier used by clients, e.g. ORDER.' })
  mnemonic!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: 'Emoji or short text shown in badges.' })
  icon!: string | null;

  @Field(() => String, { nullable: true, description: 'Badge text colour, #rgb or #rrggbb.' })
  fontColorHex!: string | null;

  @Field(() => String, { nullable: true, description: 'Badge background colour, #rgb or #rrggbb.' })
  bgColorHex!: string | null;

  @Field({ description: 'System lookups ship with the service and cannot be deleted or renamed.' })
  isSystem!: boolean;

  @Field()
  createdDate!: Date;

  @Field()
  updatedDate!: Date;
}

@ObjectType({ implements: Lookup, description: 'The kind of resource an interaction is about (ORDER, PAYMENT, …).' })
export class ResourceType extends Lookup {}

@ObjectType({ implements: Lookup, description: 'What happened to the resource (CREATE, UPDATE, …).' })
export class Action extends Lookup {}

@ObjectType({ implements: Lookup, description: 'Where the interaction came from (WEBAPP, API, …).' })
export class Origin extends Lookup {}

@InputType({ description: 'Fields of a lookup; on update, omitted fields stay as they are and null clears.' })
export class LookupInput {
  @Field(() => String, {
    nullable: true,
    description: 'Upper-cased on input; ^[A-Z][A-Z0-9_]{0,63}$. Required on create.',
  })
  mnemonic?: string | null;

  @Field(() => String, { nullable: true, description: 'Display name; defaults to the mnemonic.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'Free text, at most 2000 characters.' })
  description?: string | null;

  @Field(() => String, { nullable: true, description: 'Emoji or short text, at most 32 characters.' })
  icon?: string | null;

  @Field(() => String, { nullable: true, description: 'Badge text colour, #rgb or #rrggbb.' })
  fontColorHex?: string | null;

  @Field(() => String, { nullable: true, description: 'Badge background colour, #rgb or #rrggbb.' })
  bgColorHex?: string | null;
}

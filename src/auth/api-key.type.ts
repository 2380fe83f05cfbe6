import { Field, ID, InputType, ObjectType } from 'type-graphql';

@ObjectType({ description: 'An API key as listed; the key itself is never shown again after creation.' })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'First characters of the key, to recognise it.' })
  prefix!: string;

  @Field(() => [String], { description: 'read, write and/or admin (admin grants all).' })
  scopes!: string[];

  @Field()
  createdDate!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedDate!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedDate!: Date | null;
}

@ObjectType({ description: 'A new key with its value, shown this once.' })
export class CreatedApiKey {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field({ description: 'The key to send as x-api-key. Store it now: only its hash is kept.' })
  key!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'Who or what uses the key, 1–200 characters.' })
  name!: string;

  @Field(() => [String], { description: 'read, write and/or admin.' })
  scopes!: string[];
}

@ObjectType({ description: 'The caller, as known from its API key.' })
export class Me {
  @Field(() => ID)
  keyId!: string;

  @Field()
  name!: string;

  @Field(() => [String])
  scopes!: string[];
}

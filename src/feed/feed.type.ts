import { Field, ObjectType } from 'type-graphql';
import { Interaction } from '../interactions/interaction.type';
import type { InteractionRecord } from '../interactions/interaction.model';

@ObjectType({ description: 'One interaction of the live feed, with its place in the feed.' })
export class InteractionFeedEvent {
  @Field({
    description:
      'Feed cursor of this event: subscribe again with `after` set to the last cursor received to resume without a gap ' +
      'or a repeat.',
  })
  cursor!: string;

  @Field(() => Interaction)
  interaction!: InteractionRecord;
}

import type { TimelineGranularity } from '../../packages/client/src';
import { GRANULARITIES, GRANULARITY_NAMES, type Granularity } from '../../src/input/granularity';
import { GRANULARITY_MS, type Granularity as ConsoleGranularity } from '../../web/src/time';

// The schema types `granularity` as a String (GraphQL enum values may not start with a digit), so the SDK and the
// console cannot take the bucket sizes from codegen and keep their own copies. These checks hold them to the
// service's one declaration.

/** `true` only when A and B are the same union; anything else fails `npm run typecheck`. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

describe('copies of the timeline granularities', () => {
  it('the SDK’s TimelineGranularity names exactly the service’s (checked by the type-check)', () => {
    const same: Same<TimelineGranularity, Granularity> = true;
    expect(same).toBe(true);
  });

  it('the console’s sizes are the service’s, in the same order and with the same lengths', () => {
    const consoleSame: Same<ConsoleGranularity, Granularity> = true;
    expect(consoleSame).toBe(true);
    expect(Object.keys(GRANULARITY_MS)).toEqual(GRANULARITY_NAMES);
    for (const name of GRANULARITY_NAMES) expect(GRANULARITY_MS[name]).toBe(GRANULARITIES[name].stepMs);
  });
});

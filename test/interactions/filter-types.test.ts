import { defineFilters, INTERACTION_FILTERS } from '../../src/interactions/interaction.filter';

// Type-level test: `npm run typecheck` (tsc over test/) fails if a filter without a SQL clause compiles, because the
// expect-error directive below would then be unused. The runtime assertions only keep jest from skipping the file.

describe('the interaction filter declaration', () => {
  it('refuses, at compile time, a filter without a SQL clause', () => {
    const withoutClause = () =>
      defineFilters({
        // @ts-expect-error `clause` is missing: a filter the WHERE clause would silently ignore does not compile.
        colour: {
          description: 'A filter someone forgot to give a clause.',
          schema: { type: 'string' },
          parse: (v) => v,
          field: 'userId',
        },
      });
    expect(typeof withoutClause).toBe('function');
  });

  it('refuses, at compile time, a filter without the stored field the live feed matches in memory', () => {
    const withoutField = () =>
      defineFilters({
        // @ts-expect-error `field` is missing: the live feed could not match this filter against rows it holds.
        colour: {
          description: 'A filter someone forgot to give a field.',
          schema: { type: 'string' },
          parse: (v) => v,
          clause: (p) => `colour = ${p}`,
        },
      });
    expect(typeof withoutField).toBe('function');
  });

  it('gives every declared filter a clause that uses its parameter', () => {
    for (const [name, spec] of Object.entries(INTERACTION_FILTERS)) {
      expect([name, spec.clause('$7')]).toEqual([name, expect.stringContaining('$7')]);
    }
  });
});

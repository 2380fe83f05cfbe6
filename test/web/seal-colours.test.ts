import { contrastRatio, MIN_CONTRAST } from '../../web/src/contrast';
import { SEAL_COLORS, summariseSeals } from '../../web/src/integrity/seal';

describe('seal badges', () => {
  it.each(Object.entries(SEAL_COLORS))('%s is readable (at least 4.5:1)', (_state, { color, backgroundColor }) => {
    expect(contrastRatio(color, backgroundColor)).toBeGreaterThanOrEqual(MIN_CONTRAST);
  });

  it('sum a trace up in words', () => {
    const verified = (seq: number) => ({ state: 'verified' as const, seq });
    expect(summariseSeals([verified(1), verified(1), verified(2)]).label).toBe(
      '✓ All 3 verified in checkpoints #1, #2',
    );
    expect(summariseSeals([verified(1), { state: 'unsealed' }]).label).toBe(
      '1 of 2 not sealed yet · 1 verified in checkpoint #1',
    );
    expect(summariseSeals([{ state: 'unsealed' }, { state: 'unsealed' }]).label).toBe('None of 2 sealed yet');
    expect(summariseSeals([verified(3), { state: 'mismatch', seq: 3, reason: 'x' }, { state: 'unsealed' }])).toEqual({
      state: 'mismatch',
      label: '✗ 1 of 3 do not match checkpoint #3',
    });
  });
});

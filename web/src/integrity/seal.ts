import type { Seal } from './verify';

/** Colours of a seal badge by state; every pair is at least 4.5:1 (test/web/seal-colours.test.ts, ADR 043/086). */
export const SEAL_COLORS: Record<Seal['state'], { color: string; backgroundColor: string }> = {
  verified: { color: '#14532d', backgroundColor: '#dcfce7' },
  unsealed: { color: '#1f2937', backgroundColor: '#e5e7eb' },
  mismatch: { color: '#ffffff', backgroundColor: '#b91c1c' },
  checking: { color: '#374151', backgroundColor: '#f3f4f6' },
  off: { color: '#78350f', backgroundColor: '#fef3c7' },
  error: { color: '#78350f', backgroundColor: '#fef3c7' },
};

/** What the badge says, for a person. */
export function sealLabel(seal: Seal): string {
  switch (seal.state) {
    case 'verified':
      return `✓ Verified in checkpoint #${seal.seq}`;
    case 'unsealed':
      return 'Not sealed yet';
    case 'mismatch':
      return seal.seq === null ? '✗ Does not match its checkpoint' : `✗ Does not match checkpoint #${seal.seq}`;
    case 'checking':
      return 'Checking seal…';
    case 'off':
      return 'Sealing is off';
    case 'error':
      return 'Seal not checked';
  }
}

/** The longer explanation (the badge's title, and the detail panel). */
export function sealExplanation(seal: Seal): string {
  switch (seal.state) {
    case 'verified':
      return `Checked in this browser: the row hashes to its leaf, the audit path leads to the root of checkpoint #${seal.seq}, and the checkpoint's Ed25519 signature verifies with the service's public key.`;
    case 'unsealed':
      return 'Rows are sealed in a signed checkpoint within CHECKPOINT_SECONDS (a minute by default) of being written.';
    case 'mismatch':
      return `Checked in this browser: ${seal.reason}. Ask an admin to run "Verify now" on the Integrity page.`;
    case 'checking':
      return 'Checking the proof in this browser.';
    case 'off':
      return 'This service does not seal its log (CHECKPOINT_SECONDS=0).';
    case 'error':
      return `The seal could not be checked: ${seal.reason}.`;
  }
}

/** A trace's seals summed up: one badge for all its interactions. */
export function summariseSeals(seals: readonly Seal[]): { state: Seal['state']; label: string } {
  const count = (state: Seal['state']) => seals.filter((seal) => seal.state === state).length;
  const seqs = [
    ...new Set(
      seals.flatMap((seal) =>
        (seal.state === 'verified' || seal.state === 'mismatch') && seal.seq !== null ? [seal.seq] : [],
      ),
    ),
  ].sort((a, b) => a - b);
  const inSeqs = seqs.length === 1 ? `checkpoint #${seqs[0]}` : `checkpoints ${seqs.map((s) => `#${s}`).join(', ')}`;
  const n = seals.length;
  const [verified, unsealed, mismatch] = [count('verified'), count('unsealed'), count('mismatch')];
  if (n === 0) return { state: 'unsealed', label: 'No interactions to check' };
  if (count('checking') > 0) return { state: 'checking', label: 'Checking seals…' };
  if (count('off') === n) return { state: 'off', label: 'Sealing is off' };
  if (mismatch > 0) {
    return { state: 'mismatch', label: `✗ ${mismatch} of ${n} do not match ${inSeqs}` };
  }
  if (verified === n) return { state: 'verified', label: `✓ All ${n} verified in ${inSeqs}` };
  if (unsealed > 0 && unsealed + verified === n) {
    return {
      state: 'unsealed',
      label:
        verified > 0
          ? `${unsealed} of ${n} not sealed yet · ${verified} verified in ${inSeqs}`
          : `${n === 1 ? 'Not' : `None of ${n}`} sealed yet`,
    };
  }
  return { state: 'error', label: `${n - verified - unsealed} of ${n} not checked` };
}

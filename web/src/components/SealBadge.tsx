import { SEAL_COLORS, sealExplanation, sealLabel } from '../integrity/seal';
import type { Seal } from '../integrity/verify';

/** An interaction's seal as a badge: verified in checkpoint #N, not sealed yet, or does not match (red). */
export function SealBadge({ seal }: { seal: Seal }) {
  return (
    <span className="badge seal" data-seal={seal.state} style={SEAL_COLORS[seal.state]} title={sealExplanation(seal)}>
      {sealLabel(seal)}
    </span>
  );
}

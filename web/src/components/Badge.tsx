import { badgeColors } from '../contrast';

export interface BadgeLookup {
  mnemonic: string;
  name?: string | null;
  icon?: string | null;
  fontColorHex?: string | null;
  bgColorHex?: string | null;
}

/** A lookup as a badge: its icon and mnemonic in its colours, or a readable fallback when those clash. */
export function Badge({ kind, lookup }: { kind: 'resourceType' | 'action' | 'origin'; lookup: BadgeLookup }) {
  const colors = badgeColors(lookup.fontColorHex, lookup.bgColorHex);
  const title = [
    lookup.name && lookup.name !== lookup.mnemonic ? lookup.name : null,
    colors.fallback ? 'colours adjusted for readability' : null,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span
      className="badge"
      data-badge={`${kind}:${lookup.mnemonic}`}
      data-fallback={colors.fallback ? 'true' : undefined}
      style={{ color: colors.color, backgroundColor: colors.backgroundColor }}
      title={title || undefined}
    >
      {lookup.icon ? <span aria-hidden="true">{lookup.icon}</span> : null}
      {lookup.mnemonic}
    </span>
  );
}

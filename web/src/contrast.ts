// WCAG 2.x contrast: badges use the lookup's own colours when they are readable, a readable fallback otherwise.

/** Minimum contrast for normal-size text (WCAG AA). */
export const MIN_CONTRAST = 4.5;

const DEFAULT_BG = '#e5e7eb';
const DARK = '#111827';
const LIGHT = '#ffffff';

/** [r, g, b] 0–255 from #rgb or #rrggbb; null for anything else. */
export function parseHex(hex: string | null | undefined): [number, number, number] | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex?.trim() ?? '');
  if (!m) return null;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** Contrast ratio 1–21 between two colours (null when one does not parse). */
export function contrastRatio(a: string | null | undefined, b: string | null | undefined): number | null {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return null;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

export interface BadgeColors {
  color: string;
  backgroundColor: string;
  /** The lookup's own colours were missing or too close to read; these are substitutes. */
  fallback: boolean;
  /** Contrast of the colours used. */
  ratio: number;
}

/** The colours to paint a badge with: the lookup's own, or the background kept and a readable text colour. */
export function badgeColors(
  fontColorHex: string | null | undefined,
  bgColorHex: string | null | undefined,
): BadgeColors {
  const bg = parseHex(bgColorHex) ? normalise(bgColorHex!) : null;
  const font = parseHex(fontColorHex) ? normalise(fontColorHex!) : null;
  if (bg && font) {
    const ratio = contrastRatio(font, bg)!;
    if (ratio >= MIN_CONTRAST) return { color: font, backgroundColor: bg, fallback: false, ratio };
  }
  const background = bg ?? DEFAULT_BG;
  const dark = contrastRatio(DARK, background)!;
  const light = contrastRatio(LIGHT, background)!;
  return dark >= light
    ? { color: DARK, backgroundColor: background, fallback: true, ratio: dark }
    : { color: LIGHT, backgroundColor: background, fallback: true, ratio: light };
}

function normalise(hex: string): string {
  const [r, g, b] = parseHex(hex)!;
  return `#${[r, g, b].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

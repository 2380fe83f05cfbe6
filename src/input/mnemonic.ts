import { AppError } from '../errors/app-error';

const MNEMONIC_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

/** A lookup's mnemonic, trimmed and upper-cased; VALIDATION_ERROR naming `field` unless `^[A-Z][A-Z0-9_]{0,63}$`. */
export function parseMnemonic(value: string, field = 'mnemonic'): string {
  const mnemonic = value.trim().toUpperCase();
  if (!MNEMONIC_PATTERN.test(mnemonic)) {
    throw new AppError(
      'VALIDATION_ERROR',
      `${field} must start with a letter and contain only letters, digits and _ (at most 64)`,
      { field },
    );
  }
  return mnemonic;
}

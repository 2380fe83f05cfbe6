import { AppError } from '../errors/app-error';

/** What a key may do: `read` queries, `write` records interactions, `admin` manages lookups, keys and the timeline. */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** The caller of a request, known from its API key. */
export interface Principal {
  keyId: string;
  name: string;
  scopes: readonly Scope[];
}

/** `admin` grants every scope; otherwise a key has exactly the scopes it was given. */
export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes('admin') || principal.scopes.includes(scope);
}

/** Throws UNAUTHENTICATED without a caller and FORBIDDEN when the caller lacks `scope`. */
export function requireScope(principal: Principal | null, scope: Scope): Principal {
  if (!principal) throw new AppError('UNAUTHENTICATED', 'An API key is required (x-api-key header)');
  if (!hasScope(principal, scope)) {
    throw new AppError('FORBIDDEN', `This API key lacks the "${scope}" scope`, { requiredScope: scope });
  }
  return principal;
}

/** Parses a scope list (array or comma-separated), rejecting unknown and empty lists. */
export function parseScopes(input: readonly string[] | string): Scope[] {
  const raw = typeof input === 'string' ? input.split(',') : [...input];
  const scopes = [...new Set(raw.map((scope) => scope.trim().toLowerCase()).filter(Boolean))];
  const unknown = scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new AppError('VALIDATION_ERROR', `scopes must be a non-empty list of ${SCOPES.join(', ')}`, {
      field: 'scopes',
      unknownScopes: unknown,
    });
  }
  return scopes as Scope[];
}

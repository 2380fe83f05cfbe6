/** The signed-in key, kept in sessionStorage (gone when the tab closes; GraphiQL reads it too). */
export interface Session {
  key: string;
  name: string;
  scopes: string[];
}

export const SESSION_STORAGE_KEY = 'interactions.console.session';

export function getSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_STORAGE_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_STORAGE_KEY);
}

/** admin grants every scope. */
export function hasScope(session: Session | null, scope: 'read' | 'write' | 'admin'): boolean {
  return !!session && (session.scopes.includes(scope) || session.scopes.includes('admin'));
}

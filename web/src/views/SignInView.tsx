import { useState, type FormEvent } from 'react';
import { ApiError, describeError, gql } from '../api';
import { ConsoleMeDocument } from '../generated/graphql';
import type { Session } from '../session';

/** Paste an API key; it is checked with `me` and kept for this tab only. */
export function SignInView({ notice, onSignedIn }: { notice: string | null; onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = key.trim();
    if (!trimmed) {
      setError('Paste an API key first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const { me } = await gql(ConsoleMeDocument, {}, { key: trimmed });
      onSignedIn({ key: trimmed, name: me.name, scopes: me.scopes });
    } catch (e) {
      setError(
        e instanceof ApiError && e.code === 'UNAUTHENTICATED'
          ? '401 Unauthenticated: this key is unknown or has been revoked.'
          : e instanceof ApiError && e.code === 'FORBIDDEN'
            ? '403 Forbidden: this key may not read interactions.'
            : describeError(e),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="signin">
      <form onSubmit={submit} className="card" aria-describedby="signin-help">
        <h1>Interactions console</h1>
        <p id="signin-help" className="muted">
          Sign in with an API key. The first start of the service printed an admin key;{' '}
          <code>npm run keys -- create</code> makes more. The key stays in this browser tab only.
        </p>
        {notice && !error ? (
          <div className="alert alert-error" role="alert">
            {notice}
          </div>
        ) : null}
        {error ? (
          <div className="alert alert-error" role="alert">
            {error}
          </div>
        ) : null}
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder="ik_…"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          autoFocus
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

import { useEffect, useState } from 'react';
import { AUTH_LOST_EVENT } from './api';
import { LookupsProvider } from './lookups';
import { Link, navigate, useLocation } from './router';
import { getSession, hasScope, saveSession, type Session } from './session';
import { ActivityView } from './views/ActivityView';
import { IntegrityView } from './views/IntegrityView';
import { InteractionsView } from './views/InteractionsView';
import { LookupsView } from './views/LookupsView';
import { SignInView } from './views/SignInView';
import { TraceView } from './views/TraceView';

const NAV = [
  { to: '/', label: 'Interactions', match: (p: string) => p === '/' || p.startsWith('/trace/') },
  { to: '/activity', label: 'Activity', match: (p: string) => p.startsWith('/activity') },
  { to: '/lookups', label: 'Lookups', match: (p: string) => p.startsWith('/lookups') },
  { to: '/integrity', label: 'Integrity', match: (p: string) => p.startsWith('/integrity') },
];

export function App() {
  const [session, setSession] = useState<Session | null>(getSession);
  const [notice, setNotice] = useState<string | null>(null);
  const { path } = useLocation();

  useEffect(() => {
    const lost = () => {
      saveSession(null);
      setSession(null);
      setNotice('401 Unauthenticated: the API key is unknown or has been revoked. Sign in again.');
    };
    window.addEventListener(AUTH_LOST_EVENT, lost);
    return () => window.removeEventListener(AUTH_LOST_EVENT, lost);
  }, []);

  if (!session) {
    return (
      <SignInView
        notice={notice}
        onSignedIn={(s) => {
          saveSession(s);
          setNotice(null);
          setSession(s);
        }}
      />
    );
  }

  const signOut = () => {
    saveSession(null);
    setSession(null);
    setNotice(null);
    navigate('/');
  };

  return (
    <LookupsProvider>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Interactions
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <Link to={item.to} aria-current={item.match(path) ? 'page' : undefined}>
                  {item.label}
                </Link>
              </li>
            ))}
            <li>
              <a href="/graphql">GraphQL explorer</a>
            </li>
          </ul>
        </nav>
        <div className="whoami">
          <span title={`scopes: ${session.scopes.join(', ')}`}>
            {session.name}{' '}
            <span className="muted">({hasScope(session, 'admin') ? 'admin' : session.scopes.join(', ')})</span>
          </span>
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Route path={path} session={session} />
      </main>
    </LookupsProvider>
  );
}

function Route({ path, session }: { path: string; session: Session }) {
  if (path === '/') return <InteractionsView />;
  const trace = /^\/trace\/([^/]+)$/.exec(path);
  if (trace) return <TraceView uowId={decodeURIComponent(trace[1])} />;
  if (path === '/activity') return <ActivityView />;
  if (path === '/lookups') return <LookupsView session={session} />;
  if (path === '/integrity') return <IntegrityView session={session} />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <Link to="/">Back to the interactions</Link>.
      </p>
    </section>
  );
}

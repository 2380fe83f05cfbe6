import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { GraphiQL } from 'graphiql';
import { StrictMode, type ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import { getSession } from '../session';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

// Same origin, headers from GraphiQL's header editor (pre-filled with the console's key).
const fetcher: Fetcher = async (params, options) => {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
  });
  return response.json();
};

const key = getSession()?.key;
const DEFAULT_QUERY = `# Interactions GraphQL explorer. ${key ? 'The x-api-key header comes from your console sign-in.' : 'Sign in at / first, or put {"x-api-key": "…"} in Headers below.'}
{
  interactions(limit: 10) {
    items { interactionNumber resourceId createdDate action { mnemonic icon } }
    pagination { total }
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultQuery={DEFAULT_QUERY}
      initialHeaders={JSON.stringify({ 'x-api-key': key ?? '' }, null, 2)}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);

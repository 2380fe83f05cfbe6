import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { useGraphiQL } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import { buildSchema } from 'graphql';
import { StrictMode, useEffect, type ComponentProps } from 'react';
import { createRoot } from 'react-dom/client';
import { getSession } from '../session';
// The committed schema (CI keeps it equal to the code's): docs and completion work at once, without an
// introspection request (which the server's depth limit refuses, and an operator may switch off).
import SDL from '../../../schema.graphql?raw';

type Fetcher = ComponentProps<typeof GraphiQL>['fetcher'];

const key = getSession()?.key;

// Same origin; headers from GraphiQL's header editor (pre-filled with the console's key). The schema
// introspection can run before the editor's headers are read, so the signed-in key is the default.
const fetcher: Fetcher = async (params, options) => {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (key) headers['x-api-key'] = key;
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { ...headers, ...((options?.headers as Record<string, string> | undefined) ?? {}) },
    body: JSON.stringify(params),
  });
  return response.json();
};

// Short comment lines: the editor pane is about 55 characters wide at 1280 px (and wraps, below, when narrower).
const DEFAULT_QUERY = `# Interactions GraphQL explorer.
${
  key
    ? '# Your console key is in Headers, below.'
    : '# Sign in to the console at / first, or put\n# {"x-api-key": "…"} in Headers, below.'
}
# Ctrl+Enter runs the query;
# Docs (top left) lists every field.
{
  interactions(limit: 10) {
    items {
      interactionNumber
      resourceId
      createdDate
      action { mnemonic icon }
    }
    pagination { total }
  }
}
`;

/**
 * Wraps long lines in the operation editor. GraphiQL creates it without wrapping and has no option for it; at 375 px
 * its pane is about 20 characters wide, and the intro comment was cut off (issue 14). Renders nothing.
 */
function WrapOperationEditor(): null {
  const editor = useGraphiQL((state) => state.queryEditor);
  useEffect(() => {
    editor?.updateOptions({ wordWrap: 'on' });
  }, [editor]);
  return null;
}

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      schema={buildSchema(SDL)}
      defaultQuery={DEFAULT_QUERY}
      initialHeaders={JSON.stringify({ 'x-api-key': key ?? '' }, null, 2)}
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    >
      <GraphiQL.Logo>
        <a href="/" className="console-link">
          ← Interactions console
        </a>
        {/* Inside a slot GraphiQL renders within its provider: the hook needs that context. */}
        <WrapOperationEditor />
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);

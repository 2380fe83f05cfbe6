import type { ReactNode } from 'react';

/** A JSON value as a collapsible tree (native <details>: keyboard and screen readers work as they should). */
export function JsonViewer({ value, label }: { value: unknown; label: string }) {
  return (
    <div className="json" role="group" aria-label={label}>
      {value === undefined || value === null ? (
        <span className="json-null">null</span>
      ) : (
        <Node value={value} depth={0} />
      )}
    </div>
  );
}

function Node({ value, depth }: { value: unknown; depth: number }): ReactNode {
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === 'string') return <span className="json-string">{JSON.stringify(value)}</span>;
  if (typeof value === 'number') return <span className="json-number">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="json-boolean">{String(value)}</span>;
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] = isArray
    ? (value as unknown[]).map((v, i) => [String(i), v])
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) return <span>{open + close}</span>;
  return (
    <details open={depth < 2}>
      <summary>
        {open}{' '}
        <span className="json-count">
          {entries.length} {isArray ? 'items' : 'keys'}
        </span>
      </summary>
      <ul>
        {entries.map(([k, v]) => (
          <li key={k}>
            {isArray ? null : <span className="json-key">{JSON.stringify(k)}: </span>}
            <Node value={v} depth={depth + 1} />
          </li>
        ))}
      </ul>
      <span>{close}</span>
    </details>
  );
}

import { useState, type FormEvent } from 'react';
import { gql } from '../api';
import { Badge } from '../components/Badge';
import { ErrorMessage } from '../components/ErrorMessage';
import { badgeColors, contrastRatio, MIN_CONTRAST, parseHex } from '../contrast';
import {
  ConsoleCreateActionDocument,
  ConsoleCreateOriginDocument,
  ConsoleCreateResourceTypeDocument,
  ConsoleUpdateActionDocument,
  ConsoleUpdateOriginDocument,
  ConsoleUpdateResourceTypeDocument,
  type LookupInput,
} from '../generated/graphql';
import { useLookups, type LookupKind, type LookupRow } from '../lookups';
import { navigate, useLocation } from '../router';
import { hasScope, type Session } from '../session';

const KINDS = [
  { kind: 'resourceType', list: 'resourceTypes', label: 'Resource types', one: 'resource type' },
  { kind: 'action', list: 'actions', label: 'Actions', one: 'action' },
  { kind: 'origin', list: 'origins', label: 'Origins', one: 'origin' },
] as const;

async function saveLookup(kind: LookupKind, id: string | null, input: LookupInput): Promise<void> {
  if (id) {
    if (kind === 'resourceType') await gql(ConsoleUpdateResourceTypeDocument, { id, input });
    else if (kind === 'action') await gql(ConsoleUpdateActionDocument, { id, input });
    else await gql(ConsoleUpdateOriginDocument, { id, input });
  } else if (kind === 'resourceType') await gql(ConsoleCreateResourceTypeDocument, { input });
  else if (kind === 'action') await gql(ConsoleCreateActionDocument, { input });
  else await gql(ConsoleCreateOriginDocument, { input });
}

/** Resource types, actions and origins: list for everyone, create and edit with an admin key. */
export function LookupsView({ session }: { session: Session }) {
  const { search } = useLocation();
  const lookups = useLookups();
  const current = KINDS.find((k) => k.kind === search.get('kind')) ?? KINDS[0];
  const admin = hasScope(session, 'admin');
  const [editing, setEditing] = useState<LookupRow | 'new' | null>(null);
  const rows = lookups.data?.[current.list] ?? [];

  return (
    <section aria-labelledby="lookups-title">
      <div className="view-head">
        <h1 id="lookups-title">Lookups</h1>
        {admin && !editing ? (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New {current.one}
          </button>
        ) : null}
      </div>
      {!admin ? (
        <div className="alert alert-error" role="alert" data-testid="forbidden">
          <strong>403 Forbidden:</strong> managing lookups needs an <code>admin</code> key; this key ({session.name})
          has <code>{session.scopes.join(', ')}</code>. You can look at them below but not change them.
        </div>
      ) : null}
      <div className="tabs" role="tablist" aria-label="Lookup kind">
        {KINDS.map((k) => (
          <button
            key={k.kind}
            type="button"
            role="tab"
            aria-selected={k.kind === current.kind}
            onClick={() => {
              setEditing(null);
              navigate(`/lookups?kind=${k.kind}`);
            }}
          >
            {k.label}
          </button>
        ))}
      </div>
      <ErrorMessage error={lookups.error} title="Could not load lookups." />
      {editing ? (
        <LookupForm
          key={editing === 'new' ? `new-${current.kind}` : editing.id}
          kind={current.kind}
          one={current.one}
          row={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) lookups.reload();
          }}
        />
      ) : null}
      <div className="table-wrap" role="region" aria-label={current.label} tabIndex={0}>
        <table className="table cards" data-testid="lookups-table">
          <thead>
            <tr>
              <th scope="col">Badge</th>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Contrast</th>
              {admin ? (
                <th scope="col">
                  <span className="visually-hidden">Edit</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const ratio = contrastRatio(row.fontColorHex, row.bgColorHex);
              return (
                <tr key={row.id} data-card="">
                  <td data-label="Badge">
                    <Badge kind={current.kind} lookup={row} />
                  </td>
                  <td data-label="Name">
                    {row.name}
                    {row.isSystem ? <span className="muted small"> · system</span> : null}
                  </td>
                  <td className="small" data-label="Description">
                    {row.description ?? <span className="muted">—</span>}
                  </td>
                  <td className="small" data-label="Contrast">
                    {ratio === null
                      ? '—'
                      : `${ratio.toFixed(1)}:1${ratio < MIN_CONTRAST ? ' — too low, shown with readable text' : ''}`}
                  </td>
                  {admin ? (
                    <td>
                      <button type="button" className="small-button" onClick={() => setEditing(row)}>
                        Edit<span className="visually-hidden"> {row.mnemonic}</span>
                      </button>
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
        {lookups.data && rows.length === 0 ? <p className="empty">None yet.</p> : null}
      </div>
    </section>
  );
}

function LookupForm({
  kind,
  one,
  row,
  onDone,
}: {
  kind: LookupKind;
  one: string;
  row: LookupRow | null;
  onDone: (saved: boolean) => void;
}) {
  const [form, setForm] = useState({
    mnemonic: row?.mnemonic ?? '',
    name: row?.name ?? '',
    description: row?.description ?? '',
    icon: row?.icon ?? '',
    // Unset colours stay unset (the badge falls back to readable defaults) unless the user sets them.
    fontColorHex: row?.fontColorHex ?? '',
    bgColorHex: row?.bgColorHex ?? '',
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [name]: e.target.value });
  const colors = badgeColors(form.fontColorHex, form.bgColorHex);
  const ratio = contrastRatio(form.fontColorHex, form.bgColorHex);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const input: LookupInput = {
      name: form.name.trim() || null,
      description: form.description.trim() || null,
      icon: form.icon.trim() || null,
      fontColorHex: form.fontColorHex.trim() || null,
      bgColorHex: form.bgColorHex.trim() || null,
    };
    if (!row || (!row.isSystem && form.mnemonic !== row.mnemonic)) input.mnemonic = form.mnemonic.trim();
    try {
      await saveLookup(kind, row?.id ?? null, input);
      onDone(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card lookup-form" onSubmit={submit} aria-labelledby="lookup-form-title">
      <h2 id="lookup-form-title">{row ? `Edit ${row.mnemonic}` : `New ${one}`}</h2>
      <ErrorMessage error={error} title="Not saved." />
      <div className="form-grid">
        <label>
          Mnemonic
          <input
            value={form.mnemonic}
            onChange={(e) => setForm({ ...form, mnemonic: e.target.value.toUpperCase() })}
            required
            pattern="[A-Za-z][A-Za-z0-9_]{0,63}"
            disabled={!!row?.isSystem}
            aria-describedby="mnemonic-help"
            spellCheck={false}
          />
          <span id="mnemonic-help" className="muted small">
            Upper case letters, digits, _ (e.g. ORDER)
          </span>
        </label>
        <label>
          Name
          <input value={form.name} onChange={set('name')} />
        </label>
        <label>
          Icon
          <input value={form.icon} onChange={set('icon')} maxLength={32} placeholder="📦" />
        </label>
        <ColorField label="Text colour" value={form.fontColorHex} onChange={set('fontColorHex')} />
        <ColorField label="Background colour" value={form.bgColorHex} onChange={set('bgColorHex')} />
        <label className="wide">
          Description
          <textarea value={form.description} onChange={set('description')} rows={2} />
        </label>
      </div>
      <div className="preview" aria-live="polite">
        <span className="muted small">Preview</span>{' '}
        <Badge kind={kind} lookup={{ ...form, mnemonic: form.mnemonic || 'MNEMONIC' }} />{' '}
        <span className="small" data-testid="contrast">
          {ratio === null
            ? 'Give both colours to check their contrast.'
            : `Contrast ${ratio.toFixed(2)}:1 — ${
                ratio >= MIN_CONTRAST ? 'readable' : `below ${MIN_CONTRAST}:1, shown with ${colors.color} text instead`
              }`}
        </span>
      </div>
      <div className="row">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : row ? 'Save changes' : `Create ${one}`}
        </button>
        <button type="button" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ColorField({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
}) {
  const valid = parseHex(value) !== null;
  const six = valid ? badgeColors(value, value).backgroundColor : '#000000';
  return (
    <div className="color-field">
      <label>
        {label}
        <input
          value={value}
          onChange={onChange}
          spellCheck={false}
          aria-invalid={!valid && value !== ''}
          placeholder="#rrggbb"
        />
      </label>
      <input type="color" value={six} onChange={onChange} aria-label={`${label} picker`} />
    </div>
  );
}

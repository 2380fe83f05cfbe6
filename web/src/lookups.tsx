import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { ConsoleLookupsDocument, type ConsoleLookupsQuery } from './generated/graphql';
import { useQuery } from './useQuery';

export type LookupKind = 'resourceType' | 'action' | 'origin';
export type LookupRow = ConsoleLookupsQuery['resourceTypes'][number];

interface LookupsValue {
  data: ConsoleLookupsQuery | null;
  error: unknown;
  reload: () => void;
  /** The lookup of a kind by mnemonic, or a plain stand-in when unknown (e.g. deleted since). */
  find: (kind: LookupKind, mnemonic: string) => LookupRow | { mnemonic: string };
}

const LookupsContext = createContext<LookupsValue | null>(null);

/** Loads the three lookup lists once per sign-in; views share them (filters, badges by mnemonic). */
export function LookupsProvider({ children }: { children: ReactNode }) {
  const { data, error, reload } = useQuery(ConsoleLookupsDocument, {});
  const value = useMemo<LookupsValue>(() => {
    const maps = {
      resourceType: new Map((data?.resourceTypes ?? []).map((l) => [l.mnemonic, l])),
      action: new Map((data?.actions ?? []).map((l) => [l.mnemonic, l])),
      origin: new Map((data?.origins ?? []).map((l) => [l.mnemonic, l])),
    };
    return { data, error, reload, find: (kind, mnemonic) => maps[kind].get(mnemonic) ?? { mnemonic } };
  }, [data, error, reload]);
  return <LookupsContext.Provider value={value}>{children}</LookupsContext.Provider>;
}

export function useLookups(): LookupsValue {
  const value = useContext(LookupsContext);
  if (!value) throw new Error('useLookups outside LookupsProvider');
  return value;
}

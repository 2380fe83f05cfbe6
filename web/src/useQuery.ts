import { useCallback, useEffect, useState } from 'react';
import { gql } from './api';
import type { TypedDocumentString } from './generated/graphql';

export interface QueryState<R> {
  data: R | null;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a typed query when its variables change (compared as JSON); the previous data stays while loading. Variables
 * must be stable across renders (derive "now" from useUrlNow): a value that changes on every render refetches on
 * every render. Setting "loading" when it is already set does not re-render, so such a mistake costs one request
 * per answer instead of a render loop.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V, skip = false): QueryState<R> {
  const [state, setState] = useState<{ data: R | null; error: unknown; loading: boolean }>({
    data: null,
    error: null,
    loading: !skip,
  });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (skip) return;
    const controller = new AbortController();
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    gql(document, JSON.parse(key) as V, { signal: controller.signal }).then(
      (data) => setState({ data, error: null, loading: false }),
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ data: null, error, loading: false });
      },
    );
    return () => controller.abort();
  }, [document, key, skip, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

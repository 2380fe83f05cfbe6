import { useEffect, useState } from 'react';
import { describeError, gql } from '../api';
import { ConsoleInteractionProofsDocument } from '../generated/graphql';
import { verifySeals, type Seal } from './verify';

/** Most ids one request proves (the service's interactionProofs limit): a page of the list. */
export const MAX_SEAL_IDS = 100;

const CHECKING: Seal = { state: 'checking' };

/**
 * The seal of each interaction of a page, checked in this browser: one request for the whole page (at most
 * MAX_SEAL_IDS ids; any beyond are left "checking"), then WebCrypto. Asks again only when the ids change.
 */
export function useSeals(ids: readonly string[]): (id: string) => Seal {
  const key = ids.slice(0, MAX_SEAL_IDS).join(',');
  const [seals, setSeals] = useState<{ key: string; map: Map<string, Seal> }>({ key: '', map: new Map() });
  useEffect(() => {
    if (key === '') return;
    const controller = new AbortController();
    const asked = key.split(',');
    gql(ConsoleInteractionProofsDocument, { ids: asked }, { signal: controller.signal })
      .then((data) => verifySeals(asked, data.interactionProofs, data.integrityCheckpoints.publicKey))
      .catch((error: unknown): Map<string, Seal> => {
        const reason = describeError(error);
        return new Map(asked.map((id) => [id, { state: 'error', reason }]));
      })
      .then((map) => {
        if (!controller.signal.aborted) setSeals({ key, map });
      });
    return () => controller.abort();
  }, [key]);
  return (id) => (seals.key === key ? seals.map.get(id) : undefined) ?? CHECKING;
}

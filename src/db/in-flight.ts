/**
 * Statements still running. close() waits for them first: PGlite's close() never settles while one runs, and a
 * pg pool ended under one cuts it off. Fire-and-forget writes (an API key's last-used hint) are the usual case.
 */
export function inFlightTracker() {
  const inFlight = new Set<Promise<unknown>>();
  return {
    track<T>(promise: Promise<T>): Promise<T> {
      inFlight.add(promise);
      const forget = () => inFlight.delete(promise);
      promise.then(forget, forget);
      return promise;
    },
    settled: () => Promise.allSettled([...inFlight]),
  };
}

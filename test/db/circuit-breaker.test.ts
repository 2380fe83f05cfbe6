/**
 * The circuit breaker (src/db/circuit-breaker.ts): a suspicion sends one probe; a failed probe opens it; while open,
 * one probe at a time on a backoff; the first success closes it.
 */
import { CircuitBreaker, CircuitOpenError } from '../../src/db/circuit-breaker';

jest.useFakeTimers();

/** A probe whose outcome the test sets, counting calls and the most in flight at once. */
function fakeProbe() {
  const state = { up: false, calls: 0, inFlight: 0, maxInFlight: 0 };
  const probe = async () => {
    state.calls += 1;
    state.inFlight += 1;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    await new Promise((resolve) => setTimeout(resolve, 50));
    state.inFlight -= 1;
    if (!state.up) throw new Error('ECONNREFUSED');
  };
  return { state, probe };
}

it('stays closed when the probe answers', async () => {
  const { state, probe } = fakeProbe();
  state.up = true;
  const breaker = new CircuitBreaker({ probe, probeDelays: { baseMs: 250, maxMs: 1000 } });
  breaker.suspect();
  await jest.advanceTimersByTimeAsync(100);
  expect(breaker.isOpen).toBe(false);
  expect(breaker.refusal()).toBeNull();
  breaker.stop();
});

it('opens on a failed probe, refuses at once, probes one at a time and closes when the database is back', async () => {
  const { state, probe } = fakeProbe();
  const changes: string[] = [];
  const breaker = new CircuitBreaker({
    probe,
    probeDelays: { baseMs: 250, maxMs: 1000 },
    onChange: (change) => changes.push(change),
  });
  for (let i = 0; i < 20; i++) breaker.suspect();
  await jest.advanceTimersByTimeAsync(60);
  expect(breaker.isOpen).toBe(true);
  expect(breaker.refusal()).toBeInstanceOf(CircuitOpenError);
  for (let i = 0; i < 20; i++) breaker.suspect(); // while open, suspicions add no probes

  await jest.advanceTimersByTimeAsync(10_000);
  // ~one probe per (jittered) second at most, never two at once
  expect(state.maxInFlight).toBe(1);
  expect(state.calls).toBeGreaterThan(10);
  expect(state.calls).toBeLessThan(60);

  state.up = true;
  await jest.advanceTimersByTimeAsync(1100);
  expect(breaker.isOpen).toBe(false);
  expect(changes).toEqual(['open', 'closed']);
  const calls = state.calls;
  await jest.advanceTimersByTimeAsync(5000);
  expect(state.calls).toBe(calls); // closed: no more probes
  breaker.stop();
});

it('tells listeners when it opens and closes', async () => {
  const { state, probe } = fakeProbe();
  const breaker = new CircuitBreaker({ probe, probeDelays: { baseMs: 250, maxMs: 1000 }, random: () => 0.5 });
  const heard: string[] = [];
  breaker.on('open', () => heard.push('open'));
  const off = breaker.on('closed', () => heard.push('closed'));
  breaker.suspect();
  await jest.advanceTimersByTimeAsync(60);
  state.up = true;
  await jest.advanceTimersByTimeAsync(1000);
  off();
  expect(heard).toEqual(['open', 'closed']);
  breaker.stop();
});

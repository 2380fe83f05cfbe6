import { SseParser, type SseEvent } from '../../bench/sse';

function parse(chunks: string[]): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = new SseParser((event) => events.push(event));
  for (const chunk of chunks) parser.push(chunk);
  return events;
}

describe('SseParser (the bench reader of the live feed)', () => {
  it('reads events with their id, type and data, and drops comments and retry', () => {
    const stream =
      'retry: 2000\nid: 0-0\nevent: ready\ndata: {"cursor":"0-0"}\n\n: heartbeat\n\n' +
      'id: 5-12\nevent: interaction\ndata: {"resourceId":"bench-1"}\n\n';
    expect(parse([stream])).toEqual([
      { id: '0-0', event: 'ready', data: '{"cursor":"0-0"}' },
      { id: '5-12', event: 'interaction', data: '{"resourceId":"bench-1"}' },
    ]);
  });

  it('joins an event split across chunks anywhere, mid-line and between the two newlines', () => {
    const stream = 'id: 1-1\nevent: interaction\ndata: {"a":1}\n\nevent: end\ndata: {"reason":"slow"}\n\n';
    const whole = parse([stream]);
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(parse([stream.slice(0, cut), stream.slice(cut)])).toEqual(whole);
    }
    expect(whole.map((e) => e.event)).toEqual(['interaction', 'end']);
  });

  it('holds back an event until its blank line arrives', () => {
    expect(parse(['event: interaction\ndata: {}\n'])).toEqual([]);
  });
});

import { createServer, Socket, type Server } from 'node:net';

/** One proxied connection: the client's socket, the upstream one once connected, and bytes held back by silence. */
interface Pair {
  client: Socket;
  upstream: Socket | null;
  toUpstream: Buffer[];
  toClient: Buffer[];
}

/**
 * A TCP proxy (to PostgreSQL, Redis…) that tests put between the service and a shared server instead of stopping
 * that server. Failure modes:
 * - `cut()`: every connection closed, nothing accepted, until `start()` (or `restore()`);
 * - `refuse(ms?)`: the same, and accepting again by itself after `ms`;
 * - `silence(ms?)`: connections stay open but no byte is forwarded either way, and new connections are accepted but
 *   get no bytes — a network that drops packets. `restore()` (or the end of `ms`) delivers what waited, as TCP
 *   retransmission would, and connects the connections accepted meanwhile. A side that closes its socket still
 *   closes the other (unlike a real black hole), so the server keeps no sessions the client already gave up.
 */
export class CuttableProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<Pair>();
  private silent = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    return new Promise((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Closes every connection and stops accepting (connections are refused) until start() or restore(). */
  async cut(): Promise<void> {
    clearTimeout(this.timer);
    for (const { client, upstream } of this.pairs) {
      client.destroy();
      upstream?.destroy();
    }
    this.pairs.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** cut(), then accepting again after `ms` (if given) without anyone calling restore(). */
  async refuse(ms?: number): Promise<void> {
    await this.cut();
    if (ms !== undefined) this.restoreAfter(ms);
  }

  /** Forwards nothing from now on, in either direction, on old and new connections alike; see the class comment. */
  silence(ms?: number): void {
    clearTimeout(this.timer);
    this.silent = true;
    if (ms !== undefined) this.restoreAfter(ms);
  }

  /** Back to normal: accepting (after refuse/cut) and forwarding (after silence). */
  async restore(): Promise<void> {
    clearTimeout(this.timer);
    if (this.silent) {
      this.silent = false;
      for (const pair of this.pairs) {
        if (!pair.upstream) this.connectUpstream(pair);
        this.flush(pair);
      }
    }
    if (!this.server) await this.start();
  }

  private restoreAfter(ms: number): void {
    this.timer = setTimeout(() => void this.restore(), ms);
  }

  private accept(client: Socket): void {
    const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
    this.pairs.add(pair);
    client.on('error', () => undefined);
    client.on('data', (chunk: Buffer) => {
      pair.toUpstream.push(chunk);
      this.flush(pair);
    });
    client.on('close', () => {
      pair.upstream?.destroy();
      this.pairs.delete(pair);
    });
    if (!this.silent) this.connectUpstream(pair);
  }

  private connectUpstream(pair: Pair): void {
    const upstream = new Socket();
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.on('close', () => pair.client.destroy());
    upstream.on('data', (chunk: Buffer) => {
      pair.toClient.push(chunk);
      this.flush(pair);
    });
    upstream.connect(this.target.port, this.target.host);
  }

  /** Passes on what each side sent, unless silenced. */
  private flush(pair: Pair): void {
    if (this.silent || !pair.upstream) return;
    for (const chunk of pair.toUpstream.splice(0)) pair.upstream.write(chunk);
    for (const chunk of pair.toClient.splice(0)) pair.client.write(chunk);
  }
}

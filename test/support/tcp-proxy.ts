import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay in front of a server, for tests that need the network to fail: `cut()`
 * drops every open connection (a watch ends mid-stream), `refuse(true)` closes new ones at once
 * (the API server is unreachable) until `refuse(false)`. TLS passes through untouched.
 */
export class TcpProxy {
  private readonly open = new Set<Socket>();
  private refusing = false;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => {
      if (!proxy || proxy.refusing) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        proxy.open.add(s);
        s.on('close', () => proxy?.open.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (typeof address !== 'object' || !address) throw new Error('tcp proxy: no address');
    proxy = new TcpProxy(server, address.port);
    return proxy;
  }

  get connections(): number {
    return this.open.size;
  }

  cut(): void {
    for (const s of this.open) s.destroy();
  }

  refuse(on: boolean): void {
    this.refusing = on;
    if (on) this.cut();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

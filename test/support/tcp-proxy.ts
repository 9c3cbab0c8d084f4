import net from 'node:net';

/**
 * A TCP proxy the test can cut and restore, standing in for a network path (to PostgreSQL, or
 * between a phone and the server) that drops: cutting destroys every open connection and hangs
 * up on new ones at once; `loseNextAnswer` lets a request through and drops its answer.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private isCut = false;
  private answersToLose = 0;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (this.isCut) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      if (this.answersToLose > 0) {
        this.answersToLose -= 1;
        // The request goes through; the first bytes of the answer never come back.
        client.pipe(upstream);
        upstream.once('data', () => {
          client.destroy();
          upstream.destroy();
        });
        return;
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  cut(): void {
    this.isCut = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.isCut = false;
  }

  /** The next connection delivers its request but loses the answer, as a dropped Wi-Fi does. */
  loseNextAnswer(): void {
    this.answersToLose += 1;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

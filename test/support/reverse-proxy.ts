import http from 'node:http';
import net from 'node:net';

export interface ReverseProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A reverse proxy in front of a test server, as nginx with `$proxy_add_x_forwarded_for`
 * does it: whatever X-Forwarded-For the client sent is kept, and the address the proxy saw
 * is appended to it. WebSocket upgrades pass through the same way.
 */
export async function startReverseProxy(target: { port: number }): Promise<ReverseProxy> {
  const forwardedFor = (req: http.IncomingMessage) => {
    const sent = req.headers['x-forwarded-for'];
    const seen = req.socket.remoteAddress ?? 'unknown';
    return sent ? `${Array.isArray(sent) ? sent.join(', ') : sent}, ${seen}` : seen;
  };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': forwardedFor(req) }, agent: false },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);

  server.on('upgrade', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const upstream = net.connect(target.port, '127.0.0.1', () => {
      const headers = { ...req.headers, 'x-forwarded-for': forwardedFor(req) };
      const lines = Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}: ${v}`));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    track(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

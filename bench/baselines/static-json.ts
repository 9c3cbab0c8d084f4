/**
 * Baselines for the menu benchmark: the same JSON from memory through bare Express 5
 * (`express`) or bare Node http (`node`). Prints LISTENING <url>.
 */
import http from 'node:http';
import fs from 'node:fs';
import express from 'express';

const [kind, file] = process.argv.slice(2);
const body = fs.readFileSync(file!, 'utf8');

const server =
  kind === 'node'
    ? http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      })
    : http.createServer(
        express()
          .disable('x-powered-by')
          .get('/api/drinks', (_req, res) => {
            res.type('application/json').send(body);
          }),
      );
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

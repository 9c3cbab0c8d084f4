/**
 * Baselines for the menu benchmark: the same bytes as barback's GET /api/drinks, from memory,
 * through bare Express 5 (`express`) or bare Node http (`node`), with the work the contract
 * requires of that answer and nothing else: `X-Content-Type-Options: nosniff`, the same
 * `ETag`, `Cache-Control: no-cache`, and 304 on a matching `If-None-Match`.
 * At its best: headers and ETag prepared once, Express's own per-answer ETag hashing off.
 * `node` also serves /menu.html, a page that fetches the same JSON and lists the drinks with
 * plain DOM: the client bench's floor for "menu visible".
 * Usage: static-json.ts <express|node> <body file> <etag>. Prints LISTENING <url>.
 */
import http from 'node:http';
import fs from 'node:fs';
import express from 'express';

const [kind, file, etag] = process.argv.slice(2);
const body = fs.readFileSync(file!);
const headers = {
  'Content-Type': 'application/json; charset=utf-8',
  'Content-Length': String(body.length),
  ETag: etag!,
  'Cache-Control': 'no-cache',
  'X-Content-Type-Options': 'nosniff',
};

function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { ETag: etag!, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end();
    return;
  }
  res.writeHead(200, headers);
  res.end(body);
}

const page = `<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>menu</title><ul id="menu"></ul>
<script type="module">
const { drinks } = await (await fetch('/api/drinks')).json();
const list = document.getElementById('menu');
for (const drink of drinks) {
  const item = document.createElement('li');
  item.dataset.drinkId = drink.id;
  item.textContent = drink.name;
  list.append(item);
}
</script>`;

const server =
  kind === 'node'
    ? http.createServer((req, res) => {
        if (req.url === '/menu.html') {
          res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
          res.end(page);
          return;
        }
        answer(req, res);
      })
    : http.createServer(express().disable('x-powered-by').set('etag', false).get('/api/drinks', answer));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`LISTENING http://127.0.0.1:${address.port}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});

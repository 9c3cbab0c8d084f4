import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { SamePortTls } from '../../server/https/same-port-tls.ts';
import { selfSignedCert, type SelfSignedCert } from '../support/tls.ts';

/**
 * HTTPS and plain HTTP on one port: whatever a connection starts with, it reaches the same
 * http.Server intact, bodies, pipelining and WebSocket upgrades included.
 */
describe('HTTPS and HTTP on the same port', () => {
  let cert: SelfSignedCert;
  let server: http.Server;
  let tls: SamePortTls;
  let port: number;

  beforeAll(async () => {
    cert = selfSignedCert();
    server = http.createServer((req, res) => {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => res.end(`${req.method} ${req.url} ${size} ${(req.socket as { encrypted?: boolean }).encrypted ? 'tls' : 'plain'}`));
    });
    new WebSocketServer({ server }).on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
    tls = new SamePortTls(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const body = Buffer.alloc(3_000_000, 7);
  const plain = (method: string, path: string, payload?: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(payload);
    });
  const secure = (method: string, path: string, payload?: Buffer) =>
    new Promise<string>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, method, path, ca: cert.cert, agent: false }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end(payload);
    });

  it('without a certificate only plain HTTP is served, and a TLS handshake fails', async () => {
    expect(await plain('GET', '/a')).toBe('GET /a 0 plain');
    await expect(secure('GET', '/a')).rejects.toThrow();
  });

  it('with a certificate, both are served on the port, large bodies arrive whole either way', async () => {
    tls.use(cert.cert, cert.key);
    expect(await plain('POST', '/big', body)).toBe(`POST /big ${body.length} plain`);
    expect(await secure('POST', '/big', body)).toBe(`POST /big ${body.length} tls`);
  });

  it('pipelined plain requests and a body trickling in after the first packet are parsed as sent', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.write('POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n' + 'a'.repeat(1000));
        setTimeout(() => socket.write('b'.repeat(2000) + 'GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 50);
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk));
      socket.on('end', () => resolve(text));
    });
    expect(answer.match(/(POST|GET) \/\w+ \d+ plain/g)).toEqual(['POST /slow 3000 plain', 'GET /next 0 plain']);
  });

  it('WebSocket upgrades work over ws:// and wss://', async () => {
    for (const url of [`ws://127.0.0.1:${port}/`, `wss://127.0.0.1:${port}/`]) {
      const reply = await new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(url, { ca: cert.cert });
        ws.on('open', () => ws.send('hi'));
        ws.on('message', (data) => {
          resolve(String(data));
          ws.close();
        });
        ws.on('error', reject);
      });
      expect(reply).toBe('echo hi');
    }
  });

  it('a connection that never speaks is hung up on at close instead of holding the shutdown', async () => {
    const silent = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    const closed = new Promise((resolve) => silent.once('close', resolve));
    tls.close();
    await closed;
  });

  it('after stop() the port is plain HTTP again', async () => {
    tls.stop();
    expect(await plain('GET', '/after')).toBe('GET /after 0 plain');
    await expect(secure('GET', '/after')).rejects.toThrow();
  });
});

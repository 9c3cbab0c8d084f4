import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';

/**
 * A DNS server the test controls, standing in for the network's resolver: it answers every
 * A question with the address the test gives, or NXDOMAIN (a LAN without internet), or not at
 * all (a resolver that is down). It records the names it was asked for.
 */
export type DnsAnswer = { address: string } | 'nxdomain' | 'silence';

export class TestDnsServer {
  readonly asked: string[] = [];
  answer: DnsAnswer;
  private constructor(
    private readonly socket: dgram.Socket,
    answer: DnsAnswer,
  ) {
    this.answer = answer;
  }

  static async start(answer: DnsAnswer): Promise<TestDnsServer> {
    const socket = dgram.createSocket('udp4');
    const server = new TestDnsServer(socket, answer);
    socket.on('message', (query, from) => {
      const reply = server.reply(query);
      if (reply) socket.send(reply, from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return server;
  }

  /** The address to give as PUSH_PROBE_DNS (or any resolver setting). */
  get address(): string {
    const { address, port } = this.socket.address() as AddressInfo;
    return `${address}:${port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private reply(query: Buffer): Buffer | undefined {
    if (query.length < 12) return undefined;
    // The question: length-prefixed labels up to a zero byte, then QTYPE and QCLASS.
    const labels: string[] = [];
    let offset = 12;
    while (offset < query.length && query[offset] !== 0) {
      const length = query[offset]!;
      labels.push(query.subarray(offset + 1, offset + 1 + length).toString('ascii'));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    if (questionEnd > query.length) return undefined;
    const type = query.readUInt16BE(offset + 1);
    this.asked.push(labels.join('.'));
    if (this.answer === 'silence') return undefined;
    const found = this.answer !== 'nxdomain';
    const withRecord = found && type === 1;
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // the id
    header.writeUInt16BE(0x8180 | (found ? 0 : 3), 2); // response, recursion desired and available; NXDOMAIN = 3
    header.writeUInt16BE(1, 4); // one question
    header.writeUInt16BE(withRecord ? 1 : 0, 6);
    const question = query.subarray(12, questionEnd);
    if (!withRecord) return Buffer.concat([header, question]);
    const record = Buffer.alloc(16);
    record.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    record.writeUInt16BE(1, 2); // A
    record.writeUInt16BE(1, 4); // IN
    record.writeUInt32BE(60, 6); // TTL
    record.writeUInt16BE(4, 10);
    (this.answer as { address: string }).address.split('.').forEach((octet, i) => record.writeUInt8(Number(octet), 12 + i));
    return Buffer.concat([header, question, record]);
  }
}

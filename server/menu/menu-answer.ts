import { gzipSync } from 'node:zlib';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { CachedBody } from './menu.service.ts';

/**
 * The public menu's answer to one request, chosen from bytes prepared once per menu change:
 * gzip for a client that accepts it (every phone's browser does; a menu's JSON shrinks to about
 * a third), the plain JSON otherwise, each with its own ETag (a strong ETag names one
 * representation), and 304 when the client already holds either. Both the fast path and the
 * Express route answer through here.
 */
export interface MenuAnswer {
  status: 200 | 304;
  /** The representation's headers (ETag, Vary, Cache-Control; for a 200 also type, length and encoding). */
  headers: OutgoingHttpHeaders;
  body: Buffer | undefined;
}

interface Representation {
  etag: string;
  bytes: Buffer;
  full: OutgoingHttpHeaders;
  notModified: OutgoingHttpHeaders;
}

const prepared = new WeakMap<CachedBody, { plain: Representation; gzip: Representation }>();

function representation(etag: string, bytes: Buffer, encoding: 'gzip' | undefined): Representation {
  const notModified = { ETag: etag, 'Cache-Control': 'no-cache', Vary: 'Accept-Encoding' };
  const full = {
    ...notModified,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': bytes.length,
    ...(encoding ? { 'Content-Encoding': encoding } : {}),
  };
  return { etag, bytes, full, notModified };
}

function representations(cached: CachedBody): { plain: Representation; gzip: Representation } {
  let known = prepared.get(cached);
  if (!known) {
    known = {
      plain: representation(cached.etag, Buffer.from(cached.body), undefined),
      // "<hash>" becomes "<hash>-gz": the same content, another representation.
      gzip: representation(`${cached.etag.slice(0, -1)}-gz"`, gzipSync(cached.body, { level: 9 }), 'gzip'),
    };
    prepared.set(cached, known);
  }
  return known;
}

/** Whether Accept-Encoding allows gzip (`gzip` or `*`, not at q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let star = false;
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const allowed = q === undefined || Number(q.slice(2)) > 0;
    if (coding.trim() === 'gzip') return allowed;
    if (coding.trim() === '*') star = allowed;
  }
  return star;
}

/** True when If-None-Match names the ETag of either representation of this menu. */
function holdsThisMenu(ifNoneMatch: string | undefined, known: { plain: Representation; gzip: Representation }): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const bare = tag.trim().replace(/^W\//, '');
    return bare === known.plain.etag || bare === known.gzip.etag;
  });
}

export function menuAnswer(cached: CachedBody, request: IncomingHttpHeaders): MenuAnswer {
  const known = representations(cached);
  const chosen = acceptsGzip(request['accept-encoding']) ? known.gzip : known.plain;
  if (holdsThisMenu(request['if-none-match'], known)) return { status: 304, headers: chosen.notModified, body: undefined };
  return { status: 200, headers: chosen.full, body: chosen.bytes };
}

/**
 * Raw e-mail (RFC 822 / MIME) to the text a reader sees: headers stripped (the subject kept
 * apart), bodies decoded from quoted-printable and base64, charsets turned into Unicode,
 * multipart messages walked (text/plain preferred in multipart/alternative, attachments that are
 * not text skipped, forwarded message/rfc822 parts opened), HTML turned into text.
 *
 * Why: a spam classifier must learn from the words, not from base64 noise or HTML tags. The input
 * is bytes; everything is handled as a "binary string" (one char per byte, latin1) until a part's
 * charset is known.
 */
import { decodeWindows1252, htmlToText, looksLikeHtml } from './html.js';

export interface ParsedEmail {
  /** Decoded Subject header ('' when absent). */
  subject: string;
  /** Decoded From header ('' when absent). */
  from: string;
  /** Plain text of the body parts, joined by blank lines. */
  body: string;
  /** Content types of the parts that contributed to `body`. */
  parts: string[];
}

export interface Headers {
  get(name: string): string | undefined;
  all: [string, string][];
}

/** Splits a binary string into unfolded headers and the body. */
export function splitHeaders(raw: string): { headers: Headers; body: string } {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : '';
  const all: [string, string][] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && all.length) {
      all[all.length - 1][1] += ' ' + line.trim();
      continue;
    }
    const c = line.indexOf(':');
    // NOTE: the mbox "From addr date" line that starts each corpus file has no colon after a name.
    if (c > 0 && !/\s/.test(line.slice(0, c))) all.push([line.slice(0, c).toLowerCase(), line.slice(c + 1).trim()]);
  }
  return {
    headers: { all, get: (name: string) => all.find(([k]) => k === name.toLowerCase())?.[1] },
    body,
  };
}

/** Parses "type/subtype; key=value; key="value"" into a lower-cased type and parameters. */
export function parseContentType(v: string | undefined): { type: string; params: Record<string, string> } {
  if (!v) return { type: 'text/plain', params: {} };
  const [t, ...rest] = v.split(';');
  const params: Record<string, string> = {};
  const re = /([a-z0-9*_-]+)\s*=\s*(?:"([^"]*)"|([^;\s]*))/gi;
  const tail = rest.join(';');
  let m: RegExpExecArray | null;
  while ((m = re.exec(tail))) params[m[1].toLowerCase()] = m[2] ?? m[3] ?? '';
  const type = t.trim().toLowerCase();
  return { type: type.includes('/') ? type : 'text/plain', params };
}

/** Quoted-printable to a binary string (soft line breaks removed, =XX decoded). */
export function decodeQuotedPrintable(s: string): string {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** Base64 to a binary string; characters outside the alphabet are ignored. */
export function decodeBase64(s: string): string {
  return Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
}

/** Binary string in `charset` to Unicode; unknown charsets fall back to Windows-1252. */
export function decodeCharset(bin: string, charset: string | undefined): string {
  const bytes = Buffer.from(bin, 'latin1');
  const cs = (charset ?? '').trim().toLowerCase().replace(/^"|"$/g, '');
  if (!cs || cs === 'us-ascii' || cs === 'ascii') {
    // NOTE: undeclared 8-bit text is UTF-8 if it decodes as such, else the Windows superset of latin1.
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return decodeWindows1252(bin);
    }
  }
  if (cs === 'windows-1252' || cs === 'cp1252' || cs === 'iso-8859-1' || cs === 'latin1') return decodeWindows1252(bin);
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return decodeWindows1252(bin);
  }
}

/** Decodes RFC 2047 encoded words (=?charset?B?...?= and =?charset?Q?...?=) in a header value. */
export function decodeHeader(v: string): string {
  const decoded = v.replace(/=\?([^?]+)\?([bq])\?([^?]*)\?=(\s+(?==\?))?/gi, (_, cs: string, enc: string, text: string) => {
    const bin = enc.toLowerCase() === 'b' ? decodeBase64(text) : decodeQuotedPrintable(text.replace(/_/g, ' '));
    return decodeCharset(bin, cs.replace(/\*.*$/, ''));
  });
  return /[\x80-\xff]/.test(decoded) && decoded === v ? decodeCharset(v, undefined) : decoded;
}

function decodeTransfer(body: string, encoding: string | undefined): string {
  const e = (encoding ?? '').trim().toLowerCase();
  if (e === 'base64') return decodeBase64(body);
  if (e === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** Parts of a multipart body between `--boundary` lines (preamble and epilogue dropped). */
export function splitMultipart(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const delim = '--' + boundary;
  const lines = body.split(/\r?\n/);
  let cur: string[] | null = null;
  for (const line of lines) {
    if (line.startsWith(delim)) {
      if (cur) parts.push(cur.join('\n'));
      if (line.slice(delim.length).startsWith('--')) return parts;
      cur = [];
      continue;
    }
    if (cur) cur.push(line);
  }
  if (cur && cur.length) parts.push(cur.join('\n'));
  return parts;
}

function walk(raw: string, out: { texts: string[]; types: string[] }, depth: number, htmlHeuristic: boolean): void {
  const { headers, body } = splitHeaders(raw);
  walkEntity(headers, body, out, depth, htmlHeuristic);
}

function walkEntity(headers: Headers, body: string, out: { texts: string[]; types: string[] }, depth: number, htmlHeuristic: boolean): void {
  const { type, params } = parseContentType(headers.get('content-type'));
  const disposition = (headers.get('content-disposition') ?? '').toLowerCase();
  if (type.startsWith('multipart/') && params.boundary && depth < 8) {
    const parts = splitMultipart(body, params.boundary);
    if (type === 'multipart/alternative') {
      // Prefer the plain version; fall back to the last (richest) part.
      const parsed = parts.map((p) => splitHeaders(p));
      const plain = parsed.find((p) => parseContentType(p.headers.get('content-type')).type === 'text/plain');
      const pick = plain ?? parsed[parsed.length - 1];
      if (pick) walkEntity(pick.headers, pick.body, out, depth + 1, htmlHeuristic);
      return;
    }
    for (const p of parts) walk(p, out, depth + 1, htmlHeuristic);
    return;
  }
  if (type === 'message/rfc822' && depth < 8) {
    const inner = splitHeaders(decodeTransfer(body, headers.get('content-transfer-encoding')));
    const subj = inner.headers.get('subject');
    if (subj) out.texts.push(decodeHeader(subj));
    walkEntity(inner.headers, inner.body, out, depth + 1, htmlHeuristic);
    return;
  }
  if (!type.startsWith('text/') || disposition.startsWith('attachment')) return;
  let text = decodeCharset(decodeTransfer(body, headers.get('content-transfer-encoding')), params.charset);
  if (type === 'text/html' || (htmlHeuristic && looksLikeHtml(text))) text = htmlToText(text);
  text = text.replace(/\r\n?/g, '\n').trim();
  if (text) {
    out.texts.push(text);
    out.types.push(type);
  }
}

/**
 * Parses one raw e-mail (bytes or a binary string). `htmlHeuristic` (default true) also strips
 * tags from text/plain parts that are really HTML, as much spam is.
 */
export function parseEmail(raw: Uint8Array | string, opts: { htmlHeuristic?: boolean } = {}): ParsedEmail {
  const bin = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('latin1');
  const { headers, body } = splitHeaders(bin);
  const out = { texts: [] as string[], types: [] as string[] };
  walkEntity(headers, body, out, 0, opts.htmlHeuristic ?? true);
  return {
    subject: decodeHeader(headers.get('subject') ?? ''),
    from: decodeHeader(headers.get('from') ?? ''),
    body: out.texts.join('\n\n'),
    parts: out.types,
  };
}

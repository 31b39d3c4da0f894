/**
 * HTML to plain text, enough for e-mail bodies and review texts: scripts, styles and comments
 * dropped, block tags turned into line breaks, other tags removed, character references decoded,
 * white space collapsed. Not a browser: malformed markup degrades to "tags removed".
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', bull: '•',
  middot: '·', euro: '€', pound: '£', yen: '¥', cent: '¢', deg: '°', times: '×', laquo: '«',
  raquo: '»', iexcl: '¡', iquest: '¿', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç',
  uuml: 'ü', ouml: 'ö', auml: 'ä', szlig: 'ß', ntilde: 'ñ', shy: '',
};

/** Decodes &name; &#123; &#x7b; references; unknown names stay as written. */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (m, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff) return m;
      // NOTE: e-mail HTML of the 2000s writes Windows-1252 code points as numeric references.
      if (code >= 0x80 && code <= 0x9f) return decodeCp1252(code);
      return String.fromCodePoint(code);
    }
    const v = NAMED[ref.toLowerCase()];
    return v === undefined ? m : v;
  });
}

// NOTE: Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1, so the 0x80–0x9F block of
// Windows-1252 is mapped here (undefined slots stay as the C1 control).
const CP1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

function decodeCp1252(code: number): string {
  return CP1252[code - 0x80];
}

/** Windows-1252 bytes (given as a binary string) to Unicode. */
export function decodeWindows1252(bin: string): string {
  return bin.replace(/[\x80-\x9f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80]);
}

/** True when a text looks like an HTML document or fragment. */
export function looksLikeHtml(s: string): boolean {
  return /<\/?(html|body|table|font|div|p|br|a\s+href|td|center|img)\b[^>]*>/i.test(s);
}

/** Plain text of an HTML document or fragment. */
export function htmlToText(html: string): string {
  // HTML source white space (line breaks included) is one space; only markup makes lines.
  let s = html.replace(/\s+/g, ' ');
  s = s.replace(/<!--[\s\S]*?-->/g, ' ');
  s = s.replace(/<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ');
  s = s.replace(/<br\s*\/?>/gi, '\n');
  s = s.replace(/<\/?(p|div|tr|li|ul|ol|h[1-6]|table|blockquote|center|pre|hr)\b[^>]*>/gi, '\n');
  s = s.replace(/<\/?(td|th)\b[^>]*>/gi, ' ');
  s = s.replace(/<[a-z!/?][^>]*>/gi, '');
  s = decodeEntities(s);
  s = s.replace(/[ \t\r\f\v\u00a0]+/g, ' ');
  s = s.replace(/ *\n */g, '\n');
  s = s.replace(/\n+/g, '\n');
  return s.trim();
}

/** HTML to text: tags, blocks, scripts, entities. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEntities, htmlToText, looksLikeHtml } from '../../../src/data/text/html.js';

test('tags removed, blocks become lines, scripts and styles dropped', () => {
  const html = '<html><head><title>t</title><style>p{color:red}</style></head><body><p>Hello <b>big</b> world</p><script>alert(1)</script><div>Line&nbsp;two<br>three</div><!-- hidden --></body></html>';
  assert.equal(htmlToText(html), 'Hello big world\nLine two\nthree');
});

test('entities: named, decimal, hex, Windows-1252 code points, unknown kept', () => {
  assert.equal(decodeEntities('a &amp; b &lt;c&gt; &#65;&#x42; &#150; &bogus;'), 'a & b <c> AB – &bogus;');
});

test('looksLikeHtml spots markup, not e-mail addresses', () => {
  assert.equal(looksLikeHtml('<FONT size=2>x</FONT>'), true);
  assert.equal(looksLikeHtml('x</HTML>'), true);
  assert.equal(looksLikeHtml('From: Bob <bob@example.com>'), false);
});

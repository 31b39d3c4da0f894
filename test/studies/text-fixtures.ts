/** A tiny aclImdb folder (train/test × pos/neg, <id>_<rating>.txt) for the S3/S4 study tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const POS = ['great', 'wonderful', 'excellent', 'loved', 'brilliant', 'superb', 'enjoyable', 'beautiful'];
const NEG = ['terrible', 'awful', 'boring', 'hated', 'dreadful', 'worst', 'dull', 'stupid'];
const FILL = ['the', 'movie', 'film', 'was', 'and', 'story', 'actors', 'plot', 'a', 'it', 'of', 'this'];

/** Makes <tmp>/aclImdb with `perClass` reviews per class and split; returns the aclImdb path. */
export function makeTinyImdb(perClass = 12): string {
  const root = join(mkdtempSync(join(tmpdir(), 'gradlab-imdb-')), 'aclImdb');
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (const split of ['train', 'test']) {
    for (const [cls, words] of [['pos', POS], ['neg', NEG]] as const) {
      const dir = join(root, split, cls);
      mkdirSync(dir, { recursive: true });
      for (let i = 0; i < perClass; i++) {
        const toks: string[] = [];
        const n = 12 + rnd(20);
        for (let k = 0; k < n; k++) toks.push(k % 4 === 1 ? words[rnd(words.length)] : FILL[rnd(FILL.length)]);
        const rating = cls === 'pos' ? 7 + rnd(4) : 1 + rnd(4);
        writeFileSync(join(dir, `${i}_${rating}.txt`), `${toks.join(' ')}.<br /><br />${toks.slice(0, 5).join(' ')}.`);
      }
    }
  }
  return root;
}

/**
 * IMDB movie reviews in their real layout, from a folder the user names:
 * aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt (one review per file, HTML <br /> inside).
 * Labels: neg 0, pos 1. The rating in the file name (1–4 neg, 7–10 pos) is kept too.
 *
 * `loadImdb` reads a split into memory (25,000 short files: fine); `iterateImdb` streams the
 * same records one file at a time for pipelines that should not hold the corpus.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { requireDir } from './files.js';

export const IMDB_CLASSES = Object.freeze(['neg', 'pos']);
export const IMDB_HOWTO = 'download and unpack aclImdb_v1.tar.gz (Stanford\'s Large Movie Review Dataset), then pass the aclImdb folder (or set GRADLAB_IMDB)';

export interface ImdbRecord {
  text: string;
  label: number;
  /** Star rating from the file name, or -1 when the name does not carry one. */
  rating: number;
  file: string;
}

export interface ImdbSet {
  texts: string[];
  labels: Int32Array;
  ratings: Int32Array;
  files: string[];
  n: number;
  classes: readonly string[];
}

/** Accepts the aclImdb folder itself or a folder that contains it. */
export function resolveImdbDir(dir: string): string {
  if (existsSync(join(dir, 'aclImdb', 'train'))) return join(dir, 'aclImdb');
  return dir;
}

/** The review files of a split in a stable order: neg then pos, each by numeric id. */
export function listImdbFiles(dir: string, split: 'train' | 'test'): { file: string; label: number; rating: number }[] {
  const root = resolveImdbDir(dir);
  requireDir(root, 'IMDB folder');
  const splitDir = join(root, split);
  if (!existsSync(splitDir)) throw new Error(`IMDB folder ${root}: no '${split}' folder (expected aclImdb/{train,test}/{pos,neg}/*.txt)`);
  const out: { file: string; label: number; rating: number }[] = [];
  for (const [label, cls] of IMDB_CLASSES.entries()) {
    const d = join(splitDir, cls);
    if (!existsSync(d)) throw new Error(`IMDB folder ${root}: no '${split}/${cls}' folder (expected aclImdb/{train,test}/{pos,neg}/*.txt)`);
    const names = requireDir(d, `IMDB ${split}/${cls} folder`).filter((f) => f.endsWith('.txt'));
    if (names.length === 0) throw new Error(`IMDB ${split}/${cls} folder has no .txt reviews: ${d}`);
    const keyed = names.map((f) => {
      const m = /^(\d+)_(\d+)\.txt$/.exec(f);
      return { f, id: m ? Number(m[1]) : Number.MAX_SAFE_INTEGER, rating: m ? Number(m[2]) : -1 };
    });
    keyed.sort((a, b) => a.id - b.id || (a.f < b.f ? -1 : 1));
    for (const k of keyed) out.push({ file: join(d, k.f), label, rating: k.rating });
  }
  return out;
}

/** Reads a split into memory. `limit` keeps the first `limit` reviews of each class. */
export function loadImdb(dir: string, opts: { split?: 'train' | 'test'; limit?: number } = {}): ImdbSet {
  let list = listImdbFiles(dir, opts.split ?? 'train');
  if (opts.limit !== undefined) {
    const per = [0, 0];
    list = list.filter((r) => per[r.label]++ < opts.limit!);
  }
  const texts = list.map((r) => readFileSync(r.file, 'utf8'));
  return {
    texts,
    labels: Int32Array.from(list, (r) => r.label),
    ratings: Int32Array.from(list, (r) => r.rating),
    files: list.map((r) => r.file),
    n: list.length,
    classes: IMDB_CLASSES,
  };
}

/** Streams a split one review at a time (AsyncIterable), in the order of listImdbFiles. */
export async function* iterateImdb(dir: string, opts: { split?: 'train' | 'test' } = {}): AsyncGenerator<ImdbRecord> {
  for (const r of listImdbFiles(dir, opts.split ?? 'train')) {
    yield { text: await readFile(r.file, 'utf8'), label: r.label, rating: r.rating, file: r.file };
  }
}

/** The IMDB folder from $GRADLAB_IMDB when it holds a train split, else null. */
export function findImdb(): string | null {
  const d = process.env.GRADLAB_IMDB;
  if (d && existsSync(join(resolveImdbDir(d), 'train'))) return resolveImdbDir(d);
  return null;
}

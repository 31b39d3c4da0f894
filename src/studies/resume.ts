/**
 * Resume checkpoints for study runs (`gradlab run` writes them, `gradlab run --resume <run-id>`
 * continues). One folder per study run, next to the run store:
 *
 *   <store folder>/checkpoints/<session>/manifest.json       study, seed, epochs, parameters, backend, runs
 *   <store folder>/checkpoints/<session>/fit-<k>-e<epoch>.safetensors   snapshot after an epoch
 *   <store folder>/checkpoints/<session>/fit-<k>-done.safetensors        the fit's end (best weights, test)
 *
 * k counts the fit() calls of the study run in order (a study with several variants trains
 * several). A resumed study runs again from the start with the same seed and parameters: a
 * finished fit returns its saved end state at once (with its generators and loader, so the next
 * variant draws the same numbers), the interrupted one continues after its last epoch, and the
 * runs in the store are reopened with the records logged after the checkpoint removed. Every file
 * is written atomically; only the last epoch and the best epoch of each fit are kept.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../io/atomic.js';
import { loadFitSnapshot, saveFitSnapshot, type FitSnapshot } from '../io/checkpoint.js';
import type { Callback } from '../train/callbacks.js';
import type { FitCheckpointer } from '../train/resume.js';
import { isPostgresUrl } from '../track/storage-url.js';
import { Tracker } from '../track/tracker.js';
import type { ParamValue } from './params.js';

export interface SessionManifest {
  format: 'gradlab-study-session-1';
  study: string;
  seed: number;
  /** --epochs as given (null: the study's default). */
  epochs: number | null;
  params: Record<string, ParamValue>;
  backend: string;
  runs: Array<{ id: string; name: string }>;
  created: string;
}

type Cursor = { scalars: number; histograms: number; media: number };

interface SnapshotExtra {
  seq: number;
  cursors: Record<string, Cursor>;
}

const FILE = /^fit-(\d+)-(?:e(\d+)|done)\.safetensors$/;

/**
 * The checkpoints folder of a store: beside a SQLite file; for a PostgreSQL store, on this
 * machine under ./runs/checkpoints (a run is resumed where its checkpoints were written).
 */
export function checkpointsRoot(storeLocation: string): string {
  if (isPostgresUrl(storeLocation)) return join(process.cwd(), 'runs', 'checkpoints');
  return join(dirname(storeLocation), 'checkpoints');
}

export class ResumeSession implements FitCheckpointer {
  private fits = 0;
  private seq = 0;
  /** Per run id: the store cursor at the run's last checkpoint (what a resume keeps). */
  readonly cursors = new Map<string, Cursor>();
  /** Set to a function returning a run's cursor, by the tracking that owns the store. */
  cursorOf: ((runId: string) => Cursor) | null = null;

  private constructor(readonly dir: string, readonly manifest: SessionManifest, readonly resumed: boolean) {}

  /** A new session folder for a study run. */
  static create(storePath: string, m: Omit<SessionManifest, 'format' | 'runs' | 'created'>): ResumeSession {
    const id = `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const dir = join(checkpointsRoot(storePath), id);
    mkdirSync(dir, { recursive: true });
    const s = new ResumeSession(dir, { format: 'gradlab-study-session-1', ...m, runs: [], created: new Date().toISOString() }, false);
    s.writeManifest();
    return s;
  }

  /** The session that recorded run `runId`, reopened to continue it. */
  static find(storePath: string, runId: string): ResumeSession {
    const root = checkpointsRoot(storePath);
    const dirs = existsSync(root) ? readdirSync(root) : [];
    for (const d of dirs) {
      const f = join(root, d, 'manifest.json');
      if (!existsSync(f)) continue;
      let m: SessionManifest;
      try {
        m = JSON.parse(readFileSync(f, 'utf8')) as SessionManifest;
      } catch (e) {
        throw new Error(`resume: ${f} is not valid JSON (${(e as Error).message})`);
      }
      if (m.format !== 'gradlab-study-session-1') continue;
      if (!m.runs.some((r) => r.id === runId)) continue;
      const s = new ResumeSession(join(root, d), m, true);
      s.scan();
      return s;
    }
    throw new Error(`resume: no checkpoints record run '${runId}' under ${root} (runs started with --no-track or before checkpoints existed cannot be resumed)`);
  }

  private writeManifest(): void {
    writeFileAtomic(join(this.dir, 'manifest.json'), new TextEncoder().encode(JSON.stringify(this.manifest, null, 2) + '\n'));
  }

  /** Records a run of this session (StudyTracking calls it for every run it starts). */
  addRun(id: string, name: string): void {
    if (this.manifest.runs.some((r) => r.id === id)) return;
    this.manifest.runs.push({ id, name });
    this.writeManifest();
  }

  /** The latest snapshot file of fit k (done before epochs), or null. */
  private latest(k: number): string | null {
    let bestEpoch = -1;
    let file: string | null = null;
    for (const f of readdirSync(this.dir)) {
      const m = FILE.exec(f);
      if (!m || Number(m[1]) !== k) continue;
      if (m[2] === undefined) return join(this.dir, f);
      if (Number(m[2]) > bestEpoch) {
        bestEpoch = Number(m[2]);
        file = join(this.dir, f);
      }
    }
    return file;
  }

  /** Reads every fit's latest snapshot: the run cursors to keep and the next sequence number. */
  private scan(): void {
    const ks = new Set<number>();
    for (const f of readdirSync(this.dir)) {
      const m = FILE.exec(f);
      if (m) ks.add(Number(m[1]));
    }
    const bySeq: Array<{ seq: number; cursors: Record<string, Cursor> }> = [];
    for (const k of ks) {
      const f = this.latest(k);
      if (!f) continue;
      const { extra } = loadFitSnapshot(f);
      const e = extra as unknown as SnapshotExtra;
      bySeq.push({ seq: e.seq, cursors: e.cursors });
    }
    bySeq.sort((a, b) => a.seq - b.seq);
    for (const s of bySeq) {
      for (const [id, c] of Object.entries(s.cursors)) this.cursors.set(id, c);
      this.seq = Math.max(this.seq, s.seq + 1);
    }
  }

  open(info: { epochs: number; parameters: number }): { key: string; snapshot: FitSnapshot | null } {
    const k = this.fits++;
    const key = `fit-${k}`;
    const f = this.resumed ? this.latest(k) : null;
    if (!f) return { key, snapshot: null };
    const { snapshot } = loadFitSnapshot(f);
    if (snapshot.epochs !== info.epochs || snapshot.parameters !== info.parameters) {
      throw new Error(`resume: ${f} was saved for ${snapshot.epochs} epochs and ${snapshot.parameters} parameters; this fit plans ${info.epochs} epochs of ${info.parameters} parameters (different code or settings?)`);
    }
    return { key, snapshot };
  }

  save(key: string, snapshot: FitSnapshot, callbacks: readonly Callback[]): void {
    const cursors: Record<string, Cursor> = {};
    if (this.cursorOf) for (const cb of callbacks) if (cb instanceof Tracker) cursors[cb.run.id] = this.cursorOf(cb.run.id);
    const name = snapshot.done ? `${key}-done.safetensors` : `${key}-e${snapshot.epoch}.safetensors`;
    saveFitSnapshot(join(this.dir, name), snapshot, { seq: this.seq++, cursors } satisfies SnapshotExtra);
    for (const [id, c] of Object.entries(cursors)) this.cursors.set(id, c);
    this.prune(key, snapshot);
  }

  /** Keeps the last snapshot (the one just written) and the best epoch's of this fit. */
  private prune(key: string, snapshot: FitSnapshot): void {
    const k = Number(key.slice(4));
    for (const f of readdirSync(this.dir)) {
      const m = FILE.exec(f);
      if (!m || Number(m[1]) !== k || m[2] === undefined) continue;
      const e = Number(m[2]);
      if (!snapshot.done && e === snapshot.epoch) continue;
      if (snapshot.bestEpoch !== null && e === snapshot.bestEpoch) continue;
      rmSync(join(this.dir, f), { force: true });
    }
  }

  /** Snapshot files in the folder (for tests and the closing log line). */
  files(): string[] {
    return readdirSync(this.dir).filter((f) => FILE.test(f)).sort();
  }
}

/**
 * Vocabulary: the map between tokens and indices, built from training texts only (so that the
 * test set never leaks into the model's inputs). Special tokens come first, in the order given
 * (default <pad> 0, <unk> 1, <cls> 2); then tokens by decreasing count, ties broken alphabetically
 * so that the same data gives the same indices. Tokens rarer than minFreq are left out; maxSize
 * caps the total including the specials. Unknown tokens map to the unk token (`<unk>`, or
 * `__OOV__` to match wink's naming).
 */
import { checkOptions, num } from '../../tensor/options.js';

export interface VocabOptions {
  /** Keep tokens seen at least this often (default 1). */
  minFreq?: number;
  /** At most this many entries, specials included (default unlimited). */
  maxSize?: number;
  /** Special tokens at the first indices (default ['<pad>', '<unk>', '<cls>']). */
  specials?: readonly string[];
  /** Which special is the unknown token (default '<unk>' or '__OOV__', whichever is in specials). */
  unkToken?: string;
  /** Which special pads (default '<pad>' when present). */
  padToken?: string;
}

export class Vocabulary {
  readonly itos: readonly string[];
  private readonly stoi: Map<string, number>;
  readonly unkIndex: number;
  readonly padIndex: number;
  readonly specials: readonly string[];
  /** Training counts of the kept tokens (0 for specials). */
  readonly counts: Int32Array;

  constructor(tokens: readonly string[], opts: { specials?: readonly string[]; unkToken?: string; padToken?: string; counts?: ArrayLike<number> } = {}) {
    checkOptions('Vocabulary', opts, { specials: 'any', unkToken: 'string', padToken: 'string', counts: 'any' });
    this.itos = Object.freeze([...tokens]);
    this.stoi = new Map();
    this.itos.forEach((t, i) => {
      if (this.stoi.has(t)) throw new Error(`Vocabulary: token '${t}' appears twice (indices ${this.stoi.get(t)} and ${i})`);
      this.stoi.set(t, i);
    });
    this.specials = Object.freeze([...(opts.specials ?? [])]);
    const unk = opts.unkToken ?? (this.stoi.has('<unk>') ? '<unk>' : this.stoi.has('__OOV__') ? '__OOV__' : undefined);
    this.unkIndex = unk !== undefined ? this.stoi.get(unk) ?? -1 : -1;
    if (unk !== undefined && this.unkIndex < 0) throw new Error(`Vocabulary: unk token '${unk}' is not in the vocabulary`);
    const pad = opts.padToken ?? (this.stoi.has('<pad>') ? '<pad>' : undefined);
    this.padIndex = pad !== undefined ? this.stoi.get(pad) ?? -1 : -1;
    if (pad !== undefined && this.padIndex < 0) throw new Error(`Vocabulary: pad token '${pad}' is not in the vocabulary`);
    this.counts = opts.counts ? Int32Array.from(opts.counts) : new Int32Array(this.itos.length);
  }

  /** Counts tokens over tokenised training texts and keeps the frequent ones. */
  static build(texts: Iterable<readonly string[]>, opts: VocabOptions = {}): Vocabulary {
    checkOptions('Vocabulary.build', opts, { minFreq: num({ min: 0 }), maxSize: num({ min: 1 }), specials: 'any', unkToken: 'string', padToken: 'string' });
    const specials = opts.specials ?? ['<pad>', '<unk>', '<cls>'];
    const minFreq = opts.minFreq ?? 1;
    const maxSize = opts.maxSize ?? Infinity;
    if (!(minFreq >= 1)) throw new RangeError(`Vocabulary.build: minFreq must be ≥ 1, got ${minFreq}`);
    if (maxSize < specials.length) throw new RangeError(`Vocabulary.build: maxSize ${maxSize} is smaller than the ${specials.length} special tokens`);
    const counts = new Map<string, number>();
    for (const toks of texts) for (const t of toks) counts.set(t, (counts.get(t) ?? 0) + 1);
    const special = new Set(specials);
    const kept = [...counts.entries()]
      .filter(([t, c]) => c >= minFreq && !special.has(t))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, Math.max(0, maxSize - specials.length));
    const itos = [...specials, ...kept.map(([t]) => t)];
    const cnt = [...specials.map(() => 0), ...kept.map(([, c]) => c)];
    return new Vocabulary(itos, { specials, unkToken: opts.unkToken, padToken: opts.padToken, counts: cnt });
  }

  get size(): number {
    return this.itos.length;
  }

  has(token: string): boolean {
    return this.stoi.has(token);
  }

  /** Index of a token; unknown tokens give unkIndex (an error when there is no unk token). */
  indexOf(token: string): number {
    const i = this.stoi.get(token);
    if (i !== undefined) return i;
    if (this.unkIndex < 0) throw new Error(`Vocabulary: unknown token '${token}' and no unk token`);
    return this.unkIndex;
  }

  encode(tokens: readonly string[]): Int32Array {
    return Int32Array.from(tokens, (t) => this.indexOf(t));
  }

  decode(ids: ArrayLike<number>, opts: { skipPad?: boolean } = {}): string[] {
    checkOptions('Vocabulary.decode', opts, { skipPad: 'boolean' });
    const out: string[] = [];
    for (let k = 0; k < ids.length; k++) {
      const i = ids[k];
      if (opts.skipPad && i === this.padIndex) continue;
      if (i < 0 || i >= this.itos.length) throw new RangeError(`Vocabulary.decode: index ${i} at position ${k} is outside [0, ${this.itos.length})`);
      out.push(this.itos[i]);
    }
    return out;
  }

  toJSON(): { itos: string[]; specials: string[]; unkToken: string | null; padToken: string | null; counts: number[] } {
    return {
      itos: [...this.itos],
      specials: [...this.specials],
      unkToken: this.unkIndex >= 0 ? this.itos[this.unkIndex] : null,
      padToken: this.padIndex >= 0 ? this.itos[this.padIndex] : null,
      counts: [...this.counts],
    };
  }

  static fromJSON(j: { itos: string[]; specials?: string[]; unkToken?: string | null; padToken?: string | null; counts?: number[] }): Vocabulary {
    return new Vocabulary(j.itos, { specials: j.specials, unkToken: j.unkToken ?? undefined, padToken: j.padToken ?? undefined, counts: j.counts });
  }
}

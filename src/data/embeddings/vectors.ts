/**
 * WordVectors: a word list and one float32 matrix [size, dim] of their vectors, with lookup by
 * word. Loaders (GloVe text, wink's JSON) produce it; embedding.ts turns it into an Embedding
 * weight for a Vocabulary.
 */

export class WordVectors {
  readonly words: readonly string[];
  /** Row-major [size, dim]. */
  readonly vectors: Float32Array;
  readonly dim: number;
  private readonly index: Map<string, number>;

  constructor(words: readonly string[], vectors: Float32Array, dim: number) {
    if (vectors.length !== words.length * dim) {
      throw new RangeError(`WordVectors: ${words.length} words × ${dim} dims need ${words.length * dim} values, got ${vectors.length}`);
    }
    this.words = words;
    this.vectors = vectors;
    this.dim = dim;
    this.index = new Map();
    // NOTE: on a repeated word the first row wins, as GloVe tools do.
    for (let i = 0; i < words.length; i++) if (!this.index.has(words[i])) this.index.set(words[i], i);
  }

  get size(): number {
    return this.words.length;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  indexOf(word: string): number {
    return this.index.get(word) ?? -1;
  }

  /** The vector of a word as a view into the matrix, or null. */
  get(word: string): Float32Array | null {
    const i = this.index.get(word);
    return i === undefined ? null : this.vectors.subarray(i * this.dim, (i + 1) * this.dim);
  }

  /** Cosine similarity of two words (NaN when either is missing). */
  similarity(a: string, b: string): number {
    const u = this.get(a);
    const v = this.get(b);
    if (!u || !v) return NaN;
    let uv = 0, uu = 0, vv = 0;
    for (let k = 0; k < this.dim; k++) {
      uv += u[k] * v[k];
      uu += u[k] * u[k];
      vv += v[k] * v[k];
    }
    return uv / Math.sqrt(uu * vv);
  }
}

/**
 * Seeded randomness. One Generator is passed down to initialisation, dropout, shuffling and
 * splits; the same seed gives the same numbers on every run and backend.
 *
 * The stream is xoshiro128** (Blackman & Vigna), a small, fast 32-bit generator with a 2^128
 * period, seeded through splitmix32 so that nearby seeds give unrelated streams.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A generator's full state: xoshiro128** words, the cached normal and the seed it started from. */
export interface GeneratorState {
  seed: number;
  s: [number, number, number, number];
  spare: number | null;
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;
  private _seed = 0;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  get seed(): number {
    return this._seed;
  }

  /** The whole state (for checkpoints): restoring it with setState continues the same stream. */
  getState(): GeneratorState {
    return { seed: this._seed, s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  setState(st: GeneratorState): this {
    if (!Array.isArray(st?.s) || st.s.length !== 4 || !st.s.every((x) => Number.isInteger(x))) {
      throw new TypeError(`Generator.setState: expected {seed, s: [4 integers], spare}, got ${JSON.stringify(st)}`);
    }
    [this.s0, this.s1, this.s2, this.s3] = st.s;
    this.spare = st.spare;
    this._seed = st.seed;
    return this;
  }

  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new RangeError(`Generator: seed must be a finite number, got ${seed}`);
    this._seed = seed;
    const sm = splitmix32(Math.floor(seed) ^ Math.floor(seed / 0x100000000));
    this.s0 = sm();
    this.s1 = sm();
    this.s2 = sm();
    this.s3 = sm();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    return this;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  random(): number {
    return this.nextU32() / 4294967296;
  }

  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.random();
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(mean = 0, std = 1): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return mean + std * v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0)) throw new RangeError(`Generator.int: n must be > 0, got ${n}`);
    return Math.floor(this.random() * n);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(arr: T[] | Int32Array): void {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    this.shuffle(p);
    return p;
  }

  /** A new independent generator seeded from this one (for a worker, a layer, a split). */
  fork(): Generator {
    return new Generator(this.nextU32());
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

let defaultGen = new Generator(0);

/** The process-wide generator used when none is passed (like torch.manual_seed). */
export function defaultGenerator(): Generator {
  return defaultGen;
}

export function manualSeed(seed: number): Generator {
  defaultGen = new Generator(seed);
  return defaultGen;
}

/**
 * Space-partitioning tree for Barnes–Hut t-SNE: a quadtree in 2-d, an octree in 3-d. Each cell
 * keeps the number of points under it and their centre of mass; a cell far enough from a point
 * (its widest side / distance < θ) stands for all its points in the repulsive force, turning the
 * O(n²) sum into O(n log n).
 *
 * Stored in flat typed arrays (children of a cell are 2^D consecutive cells) and rebuilt every
 * iteration. As in scikit-learn, a leaf whose centre coincides with the query point (the point
 * itself, or exact duplicates of it) is skipped.
 */

export class SPTree {
  readonly dim: number;
  private readonly nch: number;
  private cap = 0;
  private size = 0;
  /** Cell lower corner and widths (D each). */
  private lo: Float64Array = new Float64Array(0);
  private width: Float64Array = new Float64Array(0);
  private maxWidth2: Float64Array = new Float64Array(0);
  /** Sum of the coordinates of the points under the cell (D each); their mean once built. */
  private comSum: Float64Array = new Float64Array(0);
  private count: Int32Array = new Int32Array(0);
  /** First child cell, or -1 for a leaf. */
  private child: Int32Array = new Int32Array(0);
  /** The point stored in a leaf (-1 when empty). */
  private point: Int32Array = new Int32Array(0);
  private stack: Int32Array = new Int32Array(64);
  private readonly delta = new Float64Array(3);
  private readonly y: Float64Array;

  /** Builds the tree over n points of dimension dim (2 or 3), row-major in y. */
  constructor(y: Float64Array, n: number, dim: number) {
    if (dim !== 2 && dim !== 3) throw new RangeError(`SPTree: Barnes-Hut needs 2 or 3 dimensions, got ${dim}`);
    this.dim = dim;
    this.nch = 1 << dim;
    this.y = y;
    this.grow(Math.max(16, 2 * n));
    const mn = new Float64Array(dim).fill(Infinity);
    const mx = new Float64Array(dim).fill(-Infinity);
    for (let i = 0; i < n; i++) for (let a = 0; a < dim; a++) {
      const v = y[i * dim + a];
      if (v < mn[a]) mn[a] = v;
      if (v > mx[a]) mx[a] = v;
    }
    const root = this.alloc(1);
    for (let a = 0; a < dim; a++) {
      const pad = Math.max((mx[a] - mn[a]) * 1e-3, 1e-12);
      this.lo[root * dim + a] = mn[a] - pad;
      this.width[root * dim + a] = mx[a] - mn[a] + 2 * pad;
    }
    this.setMaxWidth(root);
    for (let i = 0; i < n; i++) this.insert(i);
    // Centres of mass, once, so that queries need no division.
    for (let c = 0; c < this.size; c++) {
      const k = this.count[c];
      for (let a = 0; a < dim; a++) this.comSum[c * dim + a] = k > 0 ? this.comSum[c * dim + a] / k : 0;
    }
  }

  private grow(cap: number): void {
    const D = this.dim;
    const f = (old: Float64Array, per: number): Float64Array => { const a = new Float64Array(cap * per); a.set(old); return a; };
    const g = (old: Int32Array): Int32Array => { const a = new Int32Array(cap); a.set(old); return a; };
    this.lo = f(this.lo, D);
    this.width = f(this.width, D);
    this.maxWidth2 = f(this.maxWidth2, 1);
    this.comSum = f(this.comSum, D);
    this.count = g(this.count);
    this.child = g(this.child);
    this.point = g(this.point);
    this.cap = cap;
  }

  private alloc(k: number): number {
    if (this.size + k > this.cap) this.grow(Math.max(this.cap * 2, this.size + k));
    const first = this.size;
    for (let c = first; c < first + k; c++) {
      this.child[c] = -1;
      this.point[c] = -1;
      this.count[c] = 0;
    }
    this.size += k;
    return first;
  }

  private setMaxWidth(c: number): void {
    let m = 0;
    for (let a = 0; a < this.dim; a++) m = Math.max(m, this.width[c * this.dim + a]);
    this.maxWidth2[c] = m * m;
  }

  /** Which child of cell c holds the point at row i. */
  private childFor(c: number, i: number): number {
    const D = this.dim;
    let idx = 0;
    for (let a = 0; a < D; a++) {
      const mid = this.lo[c * D + a] + this.width[c * D + a] / 2;
      if (this.y[i * D + a] >= mid) idx |= 1 << a;
    }
    return this.child[c] + idx;
  }

  private split(c: number): void {
    const D = this.dim;
    const first = this.alloc(this.nch);
    this.child[c] = first;
    for (let k = 0; k < this.nch; k++) {
      const cc = first + k;
      for (let a = 0; a < D; a++) {
        const h = this.width[c * D + a] / 2;
        this.width[cc * D + a] = h;
        this.lo[cc * D + a] = this.lo[c * D + a] + ((k >> a) & 1 ? h : 0);
      }
      this.setMaxWidth(cc);
    }
  }

  private insert(i: number): void {
    const D = this.dim;
    const y = this.y;
    let c = 0;
    for (let depth = 0; ; depth++) {
      if (this.child[c] < 0) {
        const p = this.point[c];
        if (p < 0) {
          this.point[c] = i;
          this.addTo(c, i);
          return;
        }
        let same = true;
        for (let a = 0; a < D; a++) if (y[p * D + a] !== y[i * D + a]) same = false;
        if (same || depth > 60) {
          // Duplicates share the leaf.
          this.addTo(c, i);
          return;
        }
        // Move the resident point (with its duplicates) one level down; c becomes internal.
        const resident = this.count[c];
        this.split(c);
        const cc = this.childFor(c, p);
        this.point[cc] = p;
        this.count[cc] = resident;
        for (let a = 0; a < D; a++) this.comSum[cc * D + a] = this.comSum[c * D + a];
        this.point[c] = -1;
      }
      this.addTo(c, i);
      c = this.childFor(c, i);
    }
  }

  private addTo(c: number, i: number): void {
    const D = this.dim;
    this.count[c] += 1;
    for (let a = 0; a < D; a++) this.comSum[c * D + a] += this.y[i * D + a];
  }

  /**
   * Repulsive forces for point i: adds Σ size·w²·(y_i − com) into force[0..D) and returns
   * Σ size·w, the point's share of the normaliser Z, with w = (1 + d²/dof)^(−(dof+1)/2).
   */
  negative(i: number, theta2: number, dof: number, force: Float64Array): number {
    const D = this.dim;
    const y = this.y;
    const expo = (dof + 1) / 2;
    let sumQ = 0;
    let top = 0;
    this.stack[top++] = 0;
    const delta = this.delta;
    while (top > 0) {
      const c = this.stack[--top];
      const cnt = this.count[c];
      let d2 = 0;
      let dup = true;
      for (let a = 0; a < D; a++) {
        const t = y[i * D + a] - this.comSum[c * D + a];
        delta[a] = t;
        d2 += t * t;
        if (Math.abs(t) > 1e-6) dup = false;
      }
      const leaf = this.child[c] < 0;
      if (leaf || this.maxWidth2[c] / d2 < theta2) {
        if (leaf && dup) continue;
        let q = dof / (dof + d2);
        if (dof !== 1) q = expo === 1.5 ? q * Math.sqrt(q) : q ** expo;
        sumQ += cnt * q;
        const mult = cnt * q * q;
        for (let a = 0; a < D; a++) force[a] += mult * delta[a];
      } else {
        if (top + this.nch > this.stack.length) {
          const s = new Int32Array(this.stack.length * 2);
          s.set(this.stack);
          this.stack = s;
        }
        const first = this.child[c];
        for (let k = 0; k < this.nch; k++) if (this.count[first + k] > 0) this.stack[top++] = first + k;
      }
    }
    return sumQ;
  }

  /** Number of cells (for tests). */
  get cells(): number {
    return this.size;
  }

  /** Points counted under the root (for tests). */
  get total(): number {
    return this.count[0];
  }
}

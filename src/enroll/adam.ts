/**
 * Adam (Kingma & Ba 2015) over a flat parameter vector, for the enrollment heads (adapt.ts,
 * stringAdapt.ts): a few hundred values trained in plain TypeScript, since the extension host
 * loads no tfjs.
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly d: Float64Array;
  private t = 0;

  constructor(
    size: number,
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
    this.d = new Float64Array(size);
  }

  /** One step for gradient `g`: the amount to subtract from each parameter. */
  step(g: ArrayLike<number>): Float64Array {
    const { m, v, d, beta1: B1, beta2: B2 } = this;
    this.t++;
    const c1 = 1 - Math.pow(B1, this.t);
    const c2 = 1 - Math.pow(B2, this.t);
    for (let i = 0; i < m.length; i++) {
      m[i] = B1 * m[i] + (1 - B1) * g[i];
      v[i] = B2 * v[i] + (1 - B2) * g[i] * g[i];
      d[i] = (this.learningRate * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
    }
    return d;
  }
}

/**
 * Adam (Kingma & Ba 2015) over one flat parameter array, with bias correction. Updates go
 * range by range so sparse training can touch only the rows a batch used (the "lazy Adam"
 * of sparse-embedding optimisers: untouched rows keep their moments until next used).
 */
import type { FloatArray } from './network.js';

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;
  private c1 = 1;
  private c2 = 1;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(
    size: number,
    private readonly opts: AdamOptions,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  /** Starts one optimisation step (advances the bias-correction clock). */
  beginStep(): void {
    this.t++;
    this.c1 = 1 - this.b1 ** this.t;
    this.c2 = 1 - this.b2 ** this.t;
  }

  /**
   * θ[k] -= lr · m̂ / (sqrt(v̂) + eps) for k in [from, to), then zeroes grad there.
   * When `l2` > 0 the gradient first gets + l2·θ[k] (L2 regularisation).
   */
  updateRange(params: FloatArray, grad: FloatArray, from: number, to: number, l2 = 0): void {
    const { m, v, b1, b2, eps, c1, c2 } = this;
    const lr = this.opts.lr;
    for (let k = from; k < to; k++) {
      const p = params[k] as number;
      const g = (grad[k] as number) + l2 * p;
      grad[k] = 0;
      const mk = b1 * (m[k] as number) + (1 - b1) * g;
      const vk = b2 * (v[k] as number) + (1 - b2) * g * g;
      m[k] = mk;
      v[k] = vk;
      params[k] = p - (lr * (mk / c1)) / (Math.sqrt(vk / c2) + eps);
    }
  }

  /** A dense step over the whole array. */
  step(params: FloatArray, grad: FloatArray, l2 = 0): void {
    this.beginStep();
    this.updateRange(params, grad, 0, params.length, l2);
  }
}

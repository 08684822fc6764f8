/**
 * The Q-network: a wide-and-deep scorer over hashed sparse features,
 *   Q(x) = w·x + u·relu(W x + c)
 * The linear part reads the hand-made interaction features directly; the small hidden
 * layer (H units, H = 0 for purely linear) learns combinations of them. Forward and
 * backward touch only the non-zero slots of x, which is what makes CPU training fast.
 * There is no output bias: it would cancel in every preference pair.
 */
import type { SparseVector } from './featurizer.js';
import type { Rng } from '../core/rng.js';

export type FloatArray = Float32Array | Float64Array;

export interface NetShape {
  inputs: number;
  hidden: number;
}

/** Offsets of the parameter blocks inside the single flat parameter array. */
export interface ParamLayout {
  w: number;
  W: number;
  c: number;
  u: number;
  size: number;
}

export function paramLayout({ inputs, hidden }: NetShape): ParamLayout {
  const w = 0;
  const W = inputs;
  const c = W + inputs * hidden;
  const u = c + hidden;
  return { w, W, c, u, size: u + hidden };
}

/** Small random hidden weights (seeded), zero linear weights. */
export function initParams(
  shape: NetShape,
  rng: Rng,
  type: 'float32' | 'float64' = 'float32',
): FloatArray {
  const layout = paramLayout(shape);
  const p = type === 'float32' ? new Float32Array(layout.size) : new Float64Array(layout.size);
  const scaleW = 0.3;
  const scaleU = 1 / Math.sqrt(Math.max(1, shape.hidden));
  for (let i = layout.W; i < layout.c; i++) p[i] = (rng.next() * 2 - 1) * scaleW;
  for (let i = layout.u; i < layout.size; i++) p[i] = (rng.next() * 2 - 1) * scaleU;
  return p;
}

export class QNet {
  readonly layout: ParamLayout;
  /** Scratch buffer of hidden pre-activations, used when the caller passes none. */
  private readonly scratch: Float64Array;

  constructor(
    readonly shape: NetShape,
    readonly params: FloatArray,
  ) {
    this.layout = paramLayout(shape);
    if (params.length !== this.layout.size)
      throw new Error(`QNet: expected ${this.layout.size} parameters, got ${params.length}`);
    this.scratch = new Float64Array(shape.hidden);
  }

  /** A buffer for `forward` to leave the hidden pre-activations in, for `backward`. */
  newActivations(): Float64Array {
    return new Float64Array(this.shape.hidden);
  }

  /** Q(x); writes the hidden pre-activations into `pre` (needed by `backward`). */
  forward(x: SparseVector, pre: Float64Array = this.scratch): number {
    const { params: p, layout: L } = this;
    const H = this.shape.hidden;
    let q = 0;
    for (let h = 0; h < H; h++) pre[h] = p[L.c + h] as number;
    for (let k = 0; k < x.idx.length; k++) {
      const i = x.idx[k] as number;
      const v = x.val[k] as number;
      q += (p[L.w + i] as number) * v;
      const row = L.W + i * H;
      for (let h = 0; h < H; h++) pre[h] = (pre[h] as number) + (p[row + h] as number) * v;
    }
    for (let h = 0; h < H; h++) {
      const a = pre[h] as number;
      if (a > 0) q += (p[L.u + h] as number) * a;
    }
    return q;
  }

  /**
   * Adds dQ/dθ · dq into `grad`, given the activations `forward(x, pre)` left.
   * Overwrites `pre` with the hidden-unit gradients.
   */
  backward(x: SparseVector, dq: number, grad: FloatArray, pre: Float64Array): void {
    const { params: p, layout: L } = this;
    const H = this.shape.hidden;
    for (let h = 0; h < H; h++) {
      const a = pre[h] as number;
      if (a > 0) {
        grad[L.u + h] = (grad[L.u + h] as number) + dq * a;
        // Reuse `pre` to hold the hidden-unit gradient: dz = dq·u where the unit is active.
        pre[h] = dq * (p[L.u + h] as number);
        grad[L.c + h] = (grad[L.c + h] as number) + (pre[h] as number);
      } else {
        pre[h] = 0;
      }
    }
    for (let k = 0; k < x.idx.length; k++) {
      const i = x.idx[k] as number;
      const v = x.val[k] as number;
      grad[L.w + i] = (grad[L.w + i] as number) + dq * v;
      const row = L.W + i * H;
      for (let h = 0; h < H; h++) {
        const dz = pre[h] as number;
        if (dz !== 0) grad[row + h] = (grad[row + h] as number) + dz * v;
      }
    }
  }
}

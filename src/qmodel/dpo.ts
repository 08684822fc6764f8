/**
 * Step-level DPO on Q-values. With the Q-value model's own output as the implicit reward,
 * the per-pair loss is  L = -log σ(β (Q(s,a⁺) - Q(s,a⁻))).
 */

/** log(1 + e^z) without overflow. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** Loss of one pair and its derivative with respect to the margin m = Q⁺ - Q⁻. */
export function dpoLoss(margin: number, beta: number): { loss: number; dMargin: number } {
  // -log σ(βm) = softplus(-βm);  d/dm = -β σ(-βm)
  return { loss: softplus(-beta * margin), dMargin: -beta * sigmoid(-beta * margin) };
}

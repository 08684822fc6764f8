/**
 * Stop sequences. The agent's reply must end before the model starts inventing the
 * env's answer, so requests stop at "Observation"; the same cut is applied to every
 * text received, because not every server honours `stop` (or it may keep the stop string).
 */
export const POLICY_STOP: readonly string[] = ['Observation'];

/** The text up to (not including) the earliest occurrence of any stop sequence. */
export function truncateAtStop(text: string, stops: readonly string[]): string {
  let cut = text.length;
  for (const stop of stops) {
    if (!stop) continue;
    const at = text.indexOf(stop);
    if (at >= 0 && at < cut) cut = at;
  }
  return text.slice(0, cut);
}

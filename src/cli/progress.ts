/** Progress bars on stderr for interactive runs; silent for --json, CI and pipes. */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Advances by `by` units and refreshes the extra fields shown after the bar. */
  tick(by?: number, fields?: Record<string, string | number>): void;
  update(fields: Record<string, string | number>): void;
  stop(): void;
}

const silent: Progress = { tick() {}, update() {}, stop() {} };

export function startProgress(
  label: string,
  total: number,
  options: { quiet?: boolean; fields?: string[] } = {},
): Progress {
  if (options.quiet || !process.stderr.isTTY) return silent;
  const extra = (options.fields ?? []).map((f) => `${f} {${f}}`).join(' | ');
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {value}/{total}${extra ? ` | ${extra}` : ''} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  const initial: Record<string, string | number> = {};
  for (const f of options.fields ?? []) initial[f] = 0;
  bar.start(total, 0, initial);
  return {
    tick(by = 1, fields) {
      bar.increment(by, fields);
    },
    update(fields) {
      bar.update(fields);
    },
    stop() {
      bar.stop();
    },
  };
}

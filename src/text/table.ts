/** Plain-text tables for terminal summaries (and Markdown tables for docs). */
export type Row = Record<string, string | number | null | undefined>;

function cell(v: Row[string]): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return v;
}

export function renderTable(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => cols.map((c) => cell(r[c])));
  const widths = cols.map((c, i) =>
    Math.max(c.length, ...cells.map((r) => (r[i] as string).length)),
  );
  const line = (vals: readonly string[]) =>
    vals
      .map((v, i) => v.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Markdown cells drop trailing zeros (`7.2`, not `7.200`): they are read, not aligned. */
function markdownCell(v: Row[string]): string {
  return typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(3))) : cell(v);
}

export function renderMarkdownTable(rows: readonly Row[], columns?: readonly string[]): string {
  const cols = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const out = [`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`];
  for (const r of rows) out.push(`| ${cols.map((c) => markdownCell(r[c])).join(' | ')} |`);
  return out.join('\n');
}

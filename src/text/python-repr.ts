/** Python's `repr()` of values, where a port must print exactly what the Python code printed. */

/** `repr()` of a str: single quotes unless the text has `'` and no `"`. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // eslint-disable-next-line no-control-regex -- control characters, on purpose
    else if (/[\x00-\x1f\x7f]/.test(ch))
      out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

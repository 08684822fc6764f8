/** Python's `repr()` of values, where a port must print exactly what the Python code printed. */

/**
 * The characters `str.isprintable()` rejects, which `repr()` escapes: Unicode categories
 * Other (Cc, Cf, Cs, Co, Cn) and Separator (Zl, Zp, Zs), except the ASCII space. Unassigned
 * code points (Cn) follow this runtime's Unicode version, which may be newer than Python's.
 */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

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
    else if (ch !== ' ' && NOT_PRINTABLE.test(ch)) {
      const code = ch.codePointAt(0)!;
      out +=
        code < 0x100
          ? `\\x${hex(code, 2)}`
          : code < 0x10000
            ? `\\u${hex(code, 4)}`
            : `\\U${hex(code, 8)}`;
    } else out += ch;
  }
  return out + quote;
}

/**
 * Secrets never reach a message or a file: API keys, Authorization values, credentials and
 * key-like query parameters of URLs are replaced by `[redacted]`. Known secrets (the API key
 * the CLI read, a password inside --base-url) are registered once and removed wherever they
 * appear; the patterns below catch the usual shapes of the ones nobody registered.
 */

const known = new Set<string>();

/** Registers a secret value (ignored when too short to be one, so no common word is blanked). */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 6) known.add(value);
}

/** Query parameters and JSON / header names whose values are credentials. */
const SECRET_NAMES = String.raw`(?:api[-_]?key|apikey|key|token|access[-_]?token|auth|authorization|secret|client[-_]?secret|password|passwd|pwd|signature|sig|x-api-key)`;

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization: Bearer <token>, Basic <b64>, Token <x> (headers, echoed bodies, messages)
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{4,}/gi, '$1 [redacted]'],
  // OpenAI-style keys wherever they stand: sk-..., sk-proj-..., also other vendors' xx-... keys
  [/\b(sk|pk|rk)-[A-Za-z0-9_-]{6,}/g, '$1-[redacted]'],
  // credentials inside URLs: scheme://user:pass@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@"'<>]+(?::[^/\s@"'<>]*)?@/gi, '$1[redacted]@'],
  // ?api-key=...&token=... in URLs (and form bodies)
  [new RegExp(String.raw`([?&;]${SECRET_NAMES}=)[^&#\s"'<>]+`, 'gi'), '$1[redacted]'],
  // "authorization": "...", "api_key": "..." in JSON; authorization: ... in header dumps
  [new RegExp(String.raw`("${SECRET_NAMES}"\s*:\s*")[^"]*(")`, 'gi'), '$1[redacted]$2'],
  [
    new RegExp(
      String.raw`(\b${SECRET_NAMES}\s*[:=]\s*)(?!\[redacted\]|Bearer |Basic |Token )[^\s,;"'&]{4,}`,
      'gi',
    ),
    '$1[redacted]',
  ],
];

/** The text with every known secret and every secret-shaped value replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A URL for messages and files: credentials and key-like query values redacted, rest kept. */
export function redactUrl(url: string): string {
  return redactSecrets(url);
}

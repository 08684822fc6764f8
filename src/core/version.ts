/** The package version (from package.json, which sits two folders up in src/ and in dist/). */
import { readFileSync } from 'node:fs';

export const STEPQ_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

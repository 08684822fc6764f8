/**
 * Test helpers for the real data in ../shared (present in CI and on developer
 * machines, absent in a user's fresh clone). Tests that need it skip with a message.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Folder of the shared material: $STEPQ_SHARED, else ../shared beside the repo. */
export const sharedRoot = process.env.STEPQ_SHARED ?? resolve(repoRoot, '..', 'shared');

/** Absolute path of a file under shared/data, or undefined when it is not there. */
export function sharedData(relative: string): string | undefined {
  const path = join(sharedRoot, 'data', relative);
  return existsSync(path) ? path : undefined;
}

/** For `test(name, { skip: skipUnlessShared(p) }, ...)`: false when present, else a skip message. */
export function skipUnlessShared(relative: string): false | string {
  return sharedData(relative)
    ? false
    : `shared data ${relative} not found under ${sharedRoot} (set STEPQ_SHARED)`;
}

/** Path of a fixture shipped with the repo under test/fixtures. */
export function fixture(relative: string): string {
  return join(repoRoot, 'test', 'fixtures', relative);
}

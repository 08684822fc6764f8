// One shard of the test suite (scripts/run-tests.mjs): asks its parent for the next test file
// until none is left, and imports each into this one process inside a suite named after
// the file, so the file's tests (and its top-level hooks) run and finish before the next
// file starts. A file that fails to load fails its suite.
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';

/** The next test file (its source path) and the module to import for it (its bundled form). */
function nextFile() {
  return new Promise((resolve) => {
    process.once('message', (message) => resolve(message.file ? message : null));
    process.send({ next: true });
  });
}

for (let next = await nextFile(); next; next = await nextFile()) {
  const { file, module } = next;
  await describe(file, async () => {
    await import(pathToFileURL(module).href);
  });
}
process.disconnect();

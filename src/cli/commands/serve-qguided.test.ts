import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { repoRoot } from '../../testing/shared.js';

function stepq(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

test('serve-qguided: a bad Q-value model spec is one line and exit 2, before listening', () => {
  for (const spec of ['/no/such/folder', 'llm:policy', 'gguf:']) {
    const r = stepq(
      'serve-qguided',
      '--upstream',
      'http://127.0.0.1:9/v1',
      '--qmodel',
      spec,
      '--port',
      '0',
    );
    assert.equal(r.status, 2, `${spec}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--qmodel/);
    assert.doesNotMatch(r.stdout, /Q-guided proxy/);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliBatch } from '../testing/cli.js';

test('serve-qguided: a bad Q-value model spec is one line and exit 2, before listening', () => {
  const specs = ['/no/such/folder', 'llm:policy', 'gguf:'];
  const serve = (spec: string) => [
    'serve-qguided',
    '--upstream',
    'http://127.0.0.1:9/v1',
    '--qmodel',
    spec,
    '--port',
    '0',
  ];
  // A run that got past its checks would listen for ever and the batch would time out.
  const results = runCliBatch(specs.map(serve), { timeoutMs: 30_000 });
  for (const [i, spec] of specs.entries()) {
    const r = results[i]!;
    assert.equal(r.status, 2, `${spec}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /--qmodel/);
    assert.doesNotMatch(r.stdout, /Q-guided proxy/);
  }
});

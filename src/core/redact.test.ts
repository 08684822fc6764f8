import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets, registerSecret } from './redact.js';

test('keys, Authorization values and URL credentials are redacted; ordinary text is not', () => {
  registerSecret('registered-secret-42');
  const cases: Array<[string, string]> = [
    ['Bearer sk-proj-abcdefgh12345678', 'Bearer [redacted]'],
    ['key sk-abcdefgh12345678 leaked', 'key sk-[redacted] leaked'],
    [
      'http://alice:pw123@host:8000/v1?api-key=abc123&api-version=2024-06-01',
      'http://[redacted]@host:8000/v1?api-key=[redacted]&api-version=2024-06-01',
    ],
    ['{"authorization":"Bearer x.y.z"}', '{"authorization":"[redacted]"}'],
    ['echoed: registered-secret-42', 'echoed: [redacted]'],
  ];
  for (const [input, expected] of cases) assert.equal(redactSecrets(input), expected);
  for (const plain of ['Thought: find the key facts\nAction: Search[Apple]', 'monkey=banana'])
    assert.equal(redactSecrets(plain), plain);
});

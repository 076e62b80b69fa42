// Debian's ocf-tester drives the stock Pacemaker agent ocf:heartbeat:ldirectord
// with our binary (start, monitor, stop, double start/stop, stale pid file):
// CI must show "passed all tests". The script is test/cli/ocf-tester.sh.
import { beforeAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ensureBuilt, ROOT } from './helpers.js';

beforeAll(() => ensureBuilt(), 180_000);

test('ocf-tester passes all tests with OCF_RESKEY_ldirectord pointing at our binary', () => {
  const r = spawnSync('bash', [join(ROOT, 'test', 'cli', 'ocf-tester.sh')], {
    env: { ...process.env, LDIRECTORD: BIN },
    encoding: 'utf8',
    timeout: 170_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  expect({ status: r.status, passed: /passed all tests/.test(out) }).toEqual({ status: 0, passed: true });
}, 180_000);

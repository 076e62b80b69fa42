// packaging/init.d/ldirectord: /etc/default/ldirectord read with `ini`, then
// `$DAEMON $CONFIG_FILE $1` as Debian's init script runs it.
import { afterEach, beforeAll, beforeEach, expect, jest, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, ensureBuilt, goodConfig, scratch, type Scratch } from './helpers.js';

const INIT = join(ROOT, 'packaging', 'init.d', 'ldirectord');
// Generous: each test runs several real processes, and CI machines are shared.
jest.setTimeout(180_000);
beforeAll(() => ensureBuilt(), 180_000);
let s: Scratch;
beforeEach(() => {
  s = scratch();
});
afterEach(() => s.cleanup());

function init(args: string[], defaults: string) {
  const env = { ...s.env, LDIRECTORD_DEFAULTS: defaults, LDIRECTORD_DAEMON: BIN };
  const r = spawnSync(INIT, args, { env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('CONFIG_FILE from the defaults file (quoted, exported, with comments) is passed to the daemon', () => {
  const cfg = goodConfig(s);
  const defaults = join(s.dir, 'default');
  writeFileSync(defaults, `# Set the following variable\n; another comment\nexport CONFIG_FILE="${cfg}"\n`);
  const r = init(['status'], defaults);
  expect(r.code).toBe(3);
  expect(r.stdout).toBe(`Running ldirectord: statusldirectord is stopped for ${cfg}\n failed!\n`);
});

test('no config file: a warning and exit 0, whatever the command', () => {
  const defaults = join(s.dir, 'default');
  writeFileSync(defaults, `CONFIG_FILE=${join(s.dir, 'missing.cf')}\n`);
  const r = init(['start'], defaults);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('No configuration file found, doing nothing.');
});

test('an unknown command: usage on stderr, exit 1', () => {
  const cfg = goodConfig(s);
  const defaults = join(s.dir, 'default');
  writeFileSync(defaults, `CONFIG_FILE=${cfg}\n`);
  const r = init(['frob'], defaults);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('Usage: /etc/init.d/ldirectord {start|stop|restart|try-restart|status|reload|force-reload}\n');
});

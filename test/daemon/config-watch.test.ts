// check_cfgfile semantics: a content change (md5) is logged and acted on, an
// unchanged rewrite is silent, the callback runs with the config path.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchConfig, type ConfigWatcher, type WatchSettings } from '../../src/daemon/config-watch.js';
import type { Logger } from '../../src/log/types.js';

let dir: string;
let cfg: string;
let lines: string[];
let watcher: ConfigWatcher | undefined;
const logger: Logger = { info: (m) => lines.push(m), debug: () => {} };

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ldts-watch-'));
  cfg = join(dir, 'ld.cf');
  writeFileSync(cfg, 'checkinterval=5\n');
  lines = [];
});
afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

// Move the mtime explicitly so no test depends on the clock's granularity.
function rewrite(text: string, mtimeSec: number): void {
  writeFileSync(cfg, text);
  utimesSync(cfg, mtimeSec, mtimeSec);
}

function start(settings: WatchSettings, onChange: () => void = () => {}, useFsEvents = false): ConfigWatcher {
  watcher = watchConfig(cfg, { onChange, logger, intervalMs: 60_000, settings: () => settings, useFsEvents });
  return watcher;
}

describe('watchConfig', () => {
  test('autoreload=yes: a content change is logged, then reread (onChange called once)', async () => {
    let reloads = 0;
    const w = start({ autoreload: true }, () => void reloads++);
    rewrite('checkinterval=6\n', 1_000_000);
    await w.check();
    expect(lines).toEqual([`Configuration file '${cfg}' has changed on disk`, ' - reread new configuration']);
    expect(reloads).toBe(1);
    await w.check(); // nothing new
    expect(reloads).toBe(1);
  });

  test('autoreload=no: logged and ignored (no trailing newline: ld_log chomps it)', async () => {
    let reloads = 0;
    const w = start({ autoreload: false }, () => void reloads++);
    rewrite('checkinterval=7\n', 1_000_000);
    await w.check();
    expect(lines).toEqual([`Configuration file '${cfg}' has changed on disk`, ' - ignore new configuration']);
    expect(reloads).toBe(0);
  });

  test('a rewrite with the same bytes (new mtime, same md5) is silent', async () => {
    let reloads = 0;
    const w = start({ autoreload: true }, () => void reloads++);
    rewrite('checkinterval=5\n', 1_000_000);
    await w.check();
    expect(lines).toEqual([]);
    expect(reloads).toBe(0);
  });

  test('a change is seen through file events without waiting for the poll', async () => {
    let reloads = 0;
    start({ autoreload: true }, () => void reloads++, true);
    await new Promise((r) => setTimeout(r, 300)); // chokidar getting ready
    rewrite('checkinterval=8\n', 1_000_000);
    const end = Date.now() + 10_000;
    while (reloads === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(reloads).toBe(1);
  });

  test('the callback: executable runs with the path; a failing one is logged with its status', async () => {
    const out = join(dir, 'called');
    const cb = join(dir, 'cb.sh');
    writeFileSync(cb, `#!/bin/sh\necho "$@" >> ${out}\nexit 3\n`);
    chmodSync(cb, 0o755);
    const w = start({ autoreload: true, callback: cb });
    rewrite('checkinterval=9\n', 1_000_000);
    await w.check();
    expect(readFileSync(out, 'utf8')).toBe(`${cfg}\n`);
    expect(lines.at(-1)).toBe(`system(${cb} ${cfg}) failed: exit status 3`);
  });

  test('a non-executable callback is not run', async () => {
    const out = join(dir, 'called');
    const cb = join(dir, 'cb.sh');
    writeFileSync(cb, `#!/bin/sh\ntouch ${out}\n`);
    chmodSync(cb, 0o644);
    const w = start({ autoreload: false, callback: cb });
    rewrite('checkinterval=10\n', 1_000_000);
    await w.check();
    expect(existsSync(out)).toBe(false);
    expect(lines).toHaveLength(2);
  });

  test('a vanished config is warned about once, and a return with new content is a change', async () => {
    const w = start({ autoreload: true });
    rmSync(cfg);
    await w.check();
    await w.check();
    expect(lines).toEqual([`Warning [${process.pid}]: can not open file ${cfg} for checking`]);
    rewrite('checkinterval=11\n', 1_000_000);
    await w.check();
    expect(lines.slice(1)).toEqual([`Configuration file '${cfg}' has changed on disk`, ' - reread new configuration']);
  });

  test('displayPath is what the messages show', async () => {
    watcher = watchConfig(cfg, { onChange: () => {}, logger, intervalMs: 60_000, displayPath: 'ld.cf', useFsEvents: false });
    rewrite('x=1\n', 1_000_000);
    await watcher.check();
    expect(lines[0]).toBe("Configuration file 'ld.cf' has changed on disk");
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLdLogger } from '../../src/log/logger.js';
import { isSyslogTarget, SyslogFacilityError } from '../../src/log/syslog.js';
import { Capture } from './helpers/capture.js';
import { buildSrc, runScript } from './helpers/child.js';
import { startDgramSink, type DgramSink } from './helpers/dgram-sink.js';

const STAMP = String.raw`(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d`;

let tmp: string;
let sink: DgramSink;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ldts-syslog-'));
  sink = await startDgramSink(join(tmp, 'log.sock'));
});
afterAll(async () => {
  await sink.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('syslog (logfile=local0 ...)', () => {
  test('datagrams are `<PRI>Mmm dd hh:mm:ss ldirectord[PID]: MSG`, priority info, pid per message', async () => {
    const start = sink.datagrams.length;
    let pid = 4242;
    const err = new Capture();
    const log = createLdLogger({ mode: 'syslog', facility: 'local0', cfgName: 'c', pid: () => pid, debugLevel: 0, syslogSocket: sink.path, stderr: err });
    log.info('Starting Linux Director v1.186-ha as daemon');
    log.info('chomped once\n');
    pid = 4343; // the daemon detached
    log.info('Linux Director Daemon terminated on signal: TERM');
    await log.close();
    const got = (await sink.waitFor(start + 3)).slice(start);
    expect(got[0]).toMatch(new RegExp(`^<134>${STAMP} ldirectord\\[4242\\]: Starting Linux Director v1\\.186-ha as daemon$`));
    expect(got[1]).toMatch(new RegExp(`^<134>${STAMP} ldirectord\\[4242\\]: chomped once$`));
    expect(got[2]).toMatch(new RegExp(`^<134>${STAMP} ldirectord\\[4343\\]: Linux Director Daemon terminated on signal: TERM$`));
    expect(err.text).toBe('');
  });

  test('same bytes as Perl Sys::Syslog as ldirectord calls it, but for its trailing "\\n\\0"', async () => {
    const start = sink.datagrams.length;
    const perl =
      'use Sys::Syslog qw(:standard :macros setlogsock);' +
      `setlogsock({type => "unix", path => ${JSON.stringify(sink.path)}});` +
      'openlog("ldirectord", "pid", "local3"); syslog("info", "Deleted real server: 127.0.0.2:80 (127.0.0.1:80)"); print $$;';
    const { run } = await import('./helpers/child.js');
    const r = await run('perl', ['-e', perl]);
    expect(r.code).toBe(0);
    const perlPid = Number(r.stdout);
    const log = createLdLogger({ mode: 'syslog', facility: 'local3', cfgName: 'c', pid: () => perlPid, debugLevel: 0, syslogSocket: sink.path });
    log.info('Deleted real server: 127.0.0.2:80 (127.0.0.1:80)');
    await log.close();
    const [theirs, ours] = (await sink.waitFor(start + 2)).slice(start);
    const shape = (d: string): string => d.replace(new RegExp(STAMP), 'STAMP');
    expect(theirs!.endsWith('\n\0')).toBe(true);
    expect(shape(ours!)).toBe(shape(theirs!.slice(0, -2)));
  });

  test('the facility sets PRI (local7.info = 190, daemon.info = 30)', async () => {
    for (const [facility, pri] of [['local7', 190], ['daemon', 30]] as const) {
      const start = sink.datagrams.length;
      const log = createLdLogger({ mode: 'syslog', facility, cfgName: 'c', pid: () => 7, debugLevel: 0, syslogSocket: sink.path });
      log.info('x');
      await log.close();
      const got = (await sink.waitFor(start + 1)).slice(start);
      expect(got[0]).toMatch(new RegExp(`^<${pri}>${STAMP} ldirectord\\[7\\]: x$`));
    }
  });

  test('an unknown facility is refused with a code; only a leading / makes a file', () => {
    expect(() => createLdLogger({ mode: 'syslog', facility: 'local9', cfgName: 'c', debugLevel: 0 })).toThrow(SyslogFacilityError);
    expect(isSyslogTarget('local0')).toBe(true);
    expect(isSyslogTarget('/var/log/ldirectord.log')).toBe(false);
    expect(isSyslogTarget('var/log/x')).toBe(true);
  });

  test('no socket: reported once on stderr, messages go to stderr, the process carries on', async () => {
    const build = buildSrc();
    try {
      const script =
        `import { createLdLogger } from './src/log/logger.js';\n` +
        `const log = createLdLogger({ mode: 'syslog', facility: 'local0', cfgName: 'c', debugLevel: 0, syslogSocket: ${JSON.stringify(join(tmp, 'absent.sock'))} });\n` +
        `log.info('one'); log.info('two');\n` +
        `await log.close();\n` +
        `console.log('alive');\n`;
      const r = await runScript(build, script);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('alive\n');
      expect(r.stderr).toBe(
        `ldirectord: syslog socket ${join(tmp, 'absent.sock')} is not available; messages go to stderr until syslog works again\n` +
          'one\ntwo\n',
      );
    } finally {
      rmSync(build, { recursive: true, force: true });
    }
  });
});

// ldirectord's command words against the real launcher: texts, streams and
// exit codes as ldirectord 4.12 prints them (see test/diff/cli-side-by-side.sh).
import { afterEach, beforeAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureBuilt, goodConfig, ld, logLines, otherProcess, scratch, standInDaemon, until, BIN, type Scratch,
} from './helpers.js';

// Generous: each test runs several real processes, and CI machines are shared.
jest.setTimeout(180_000);
beforeAll(() => ensureBuilt(), 180_000);

let s: Scratch;
beforeEach(() => {
  s = scratch();
});
afterEach(() => s.cleanup());

const pidFileOf = (name: string) => join(s.run, `ldirectord.${name}.pid`);

describe('options and usage', () => {
  test('-v prints the version text on stdout, exit 0', () => {
    const r = ld(s, ['-v']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'Linux Director v1.186-ha\n1999-2006 Jacob Rief, Horms and others\n<http://www.vergenet.net/linux/ldirectord/>\n\n' +
        'ldirectord comes with ABSOLUTELY NO WARRANTY.\nThis is free software, and you are welcome to redistribute it\n' +
        'under certain conditions. See the GNU General Public Licence for details.\n',
    );
    expect(r.stderr).toBe('');
  });

  test.each([[[]], [['frob']], [['x.cf', 'frob']], [['--deb', 'x.cf', 'status']], [['-x']]])(
    'usage on stdout and exit 255 for %j',
    (args) => {
      const r = ld(s, args);
      expect(r.code).toBe(255);
      expect(r.stdout.startsWith('Usage:\n    ldirectord [-d|--debug] [--] [configfile] start | stop | restart |\n')).toBe(true);
      expect(r.stdout.endsWith('    status of the running daemon for the specified configuration.\n\n')).toBe(true);
    },
  );

  test('unknown options are reported one per line on stderr, as Getopt::Long does', () => {
    const r = ld(s, ['-dxy', 'x.cf', 'status']);
    expect(r.code).toBe(255);
    expect(r.stderr).toBe('Unknown option: x\nUnknown option: y\n');
    expect(ld(s, ['--debug=1']).stderr).toBe('Option debug does not take an argument\n');
  });

  test('-h prints the usage and a pointer to the manual, exit 0', () => {
    const r = ld(s, ['-h']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:\n');
    expect(r.stdout).toContain('README.md');
  });

  test('the launcher keeps argv[1] as invoked: the Invoking line shows the symlink, not its target', () => {
    const link = join(s.dir, 'ldirectord');
    symlinkSync(BIN, link);
    const cfg = goodConfig(s);
    const r2 = spawnLd(link, [cfg, 'status']);
    expect(r2.code).toBe(3);
    expect(logLines(s).some((l) => l.endsWith(`] Invoking ldirectord invoked as: ${link} ${cfg} status `))).toBe(true);
  });

  test('$0 is kept as typed: a relative launcher path shows up relative, as in Perl', () => {
    symlinkSync(BIN, join(s.dir, 'ldirectord'));
    const cfg = goodConfig(s);
    expect(spawnLd('./ldirectord', [cfg, 'status']).code).toBe(3);
    expect(logLines(s).some((l) => l.endsWith(`] Invoking ldirectord invoked as: ./ldirectord ${cfg} status `))).toBe(true);
  });
});

describe('config lookup and errors', () => {
  test('config file not found: exit 1, message on stderr', () => {
    const r = ld(s, ['nope-ldts.cf', 'status']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('Config file nope-ldts.cf not found\n');
  });

  test('config file not found with -d: the message is logged to stderr, not printed twice', () => {
    const r = ld(s, ['-d', 'nope-ldts.cf', 'status']);
    expect(r.code).toBe(1);
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => l === 'Config file nope-ldts.cf not found')).toHaveLength(1);
    expect(lines).toContain('Exiting with exit_status 1: Initialisation Error');
  });

  test('a bare name is found relative to the working directory; CFGNAME is its basename', () => {
    goodConfig(s, 'rel.cf');
    const r = ld(s, ['rel.cf', 'status']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('ldirectord is stopped for rel.cf\n');
    expect(logLines(s).some((l) => /\|rel\.cf\|\d+\] Invoking ldirectord invoked as: .* rel\.cf status $/.test(l))).toBe(true);
  });

  test.each(['status', 'start', 'stop', 'reload'])('a config error exits 2 at %s with the error text on stderr', (cmd) => {
    const bad = join(s.dir, 'bad.cf');
    writeFileSync(bad, `logfile="${s.log}"\nbogus=1\n`);
    const r = ld(s, [bad, cmd]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^Error \\[\\d+\\] reading file ${bad} at line 2: `));
    expect(r.stdout).toBe('');
    expect(existsSync(pidFileOf('bad.cf'))).toBe(false);
    // ld_exit logs to the logfile= read before the bad line.
    expect(logLines(s).some((l) => /\|bad\.cf\|\d+\] Exiting with exit_status 2: config_error: Configuration Error$/.test(l))).toBe(true);
  });
});

describe('status, stop, reload with and without a daemon', () => {
  test('stopped: status exit 3, the stopped line on stdout, logged with its exit status', () => {
    const cfg = goodConfig(s);
    const r = ld(s, [cfg, 'status']);
    expect(r).toEqual({ code: 3, stdout: `ldirectord is stopped for ${cfg}\n`, stderr: '' });
    const log = logLines(s);
    expect(log.some((l) => l.endsWith(`] Invoking ldirectord invoked as: ${BIN} ${cfg} status `))).toBe(true);
    expect(log.some((l) => l.endsWith('] Exiting with exit_status 3: Exiting from ldirectord status'))).toBe(true);
  });

  test('stale pid file (dead pid): status exit 1, stale line on stderr, stopped line on stdout', () => {
    const cfg = goodConfig(s);
    writeFileSync(pidFileOf('test.cf'), '999999999\n');
    const r = ld(s, [cfg, 'status']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`ldirectord stale pid file ${pidFileOf('test.cf')} for ${cfg}\n`);
    expect(r.stdout).toBe(`ldirectord is stopped for ${cfg}\n`);
  });

  test('stale pid file (live process that is not ldirectord): exit 1; stop leaves it alone and the file in place', () => {
    const cfg = goodConfig(s);
    const other = otherProcess();
    try {
      writeFileSync(pidFileOf('test.cf'), `${other.pid}\n`);
      expect(ld(s, [cfg, 'status']).code).toBe(1);
      expect(ld(s, [cfg, 'stop'])).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(existsSync(pidFileOf('test.cf'))).toBe(true);
      expect(existsSync(`/proc/${other.pid}`)).toBe(true);
      expect(ld(s, [cfg, 'reload']).code).toBe(1);
    } finally {
      other.kill();
    }
  });

  test('an empty pid file counts as no pid file (Perl reads undef): exit 3', () => {
    const cfg = goodConfig(s);
    writeFileSync(pidFileOf('test.cf'), '');
    expect(ld(s, [cfg, 'status']).code).toBe(3);
  });

  test('stop, try-restart without a daemon: exit 0, silent; reload: exit 1, logged as stopped', () => {
    const cfg = goodConfig(s);
    expect(ld(s, [cfg, 'stop'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(ld(s, [cfg, 'try-restart'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(existsSync(pidFileOf('test.cf'))).toBe(false); // try-restart started nothing
    expect(ld(s, [cfg, 'reload'])).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(ld(s, [cfg, 'force-reload']).code).toBe(1);
    const log = logLines(s);
    expect(log.some((l) => l.endsWith(`] ldirectord is stopped for ${cfg}`))).toBe(true);
    expect(log.some((l) => l.endsWith('] Exiting with exit_status 1: Exiting from ldirectord reload'))).toBe(true);
  });

  test('a running ldirectord (stand-in): status 0 on stderr, reload sends HUP, start is silent, stop sends TERM', async () => {
    const cfg = goodConfig(s);
    const d = standInDaemon(s);
    try {
      await until(() => existsSync(d.signals), 'the stand-in to start');
      writeFileSync(pidFileOf('test.cf'), `${d.pid}\n`);
      expect(ld(s, [cfg, 'status'])).toEqual({
        code: 0, stdout: '', stderr: `ldirectord for ${cfg} is running with pid: ${d.pid}\n`,
      });
      expect(ld(s, [cfg, 'reload'])).toEqual({ code: 0, stdout: '', stderr: '' });
      await until(() => readFileSync(d.signals, 'utf8').includes('SIGHUP'), 'SIGHUP to arrive');
      expect(ld(s, [cfg, 'start'])).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(ld(s, [cfg, 'stop'])).toEqual({ code: 0, stdout: '', stderr: '' });
      await until(() => readFileSync(d.signals, 'utf8').includes('SIGTERM'), 'SIGTERM to arrive');
      const log = logLines(s);
      expect(log.some((l) => l.endsWith(`] ldirectord for ${cfg} is running with pid: ${d.pid}`))).toBe(true);
      expect(log.some((l) => l.endsWith('] Exiting from ldirectord status'))).toBe(true);
    } finally {
      d.kill();
    }
  });
});

describe('execute= sub-configs', () => {
  test('status of a running daemon also runs `ldirectord SUB status` for each execute= line', async () => {
    const sub = goodConfig(s, 'sub.cf');
    const cfg = goodConfig(s, 'main.cf', `execute=${sub}\n`);
    const d = standInDaemon(s);
    try {
      await until(() => existsSync(d.signals), 'the stand-in to start');
      writeFileSync(pidFileOf('main.cf'), `${d.pid}\n`);
      const r = ld(s, [cfg, 'status']);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(`ldirectord for ${cfg} is running with pid: ${d.pid}\n`);
      expect(r.stdout).toBe(`ldirectord is stopped for ${sub}\n`);
      expect(logLines(s).some((l) => l.endsWith(`] system(${BIN} ${sub} status) failed: exit status 3`))).toBe(true);
    } finally {
      d.kill();
    }
  });
});

describe('--ipvs (extension)', () => {
  test('an invalid mode is a usage error', () => {
    const r = ld(s, ['--ipvs=kernel', goodConfig(s), 'status']);
    expect(r.code).toBe(255);
    expect(r.stderr).toBe('Value "kernel" invalid for option ipvs (simulated or ipvsadm)\n');
  });

  test('--ipvs=simulated before the config reaches the daemon (no LDIRECTORD_IPVS in the environment)', async () => {
    const cfg = goodConfig(s);
    const env = { ...s.env };
    delete env.LDIRECTORD_IPVS;
    // Should the flag get lost, -d would pick this fake, never the real ipvsadm.
    writeFileSync(join(s.dir, 'ipvsadm'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const child = spawn(BIN, ['--ipvs=simulated', '-d', cfg, 'start'], { cwd: s.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    const exit = new Promise((r) => child.on('exit', r));
    try {
      await until(() => err.includes('Starting Linux Director'), 'the start line');
      await until(() => /simulated/i.test(err), 'the daemon to say it uses the simulated table');
    } finally {
      child.kill('SIGTERM');
      await exit;
    }
  });
});

describe('configtest (extension)', () => {
  test('a good config: exit 0 and a summary on stdout; --json prints JSON', () => {
    const cfg = goodConfig(s);
    const r = ld(s, [cfg, 'configtest']);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
    const j = ld(s, [cfg, 'configtest', '--json']);
    expect(j.code).toBe(0);
    expect(() => JSON.parse(j.stdout)).not.toThrow();
  });

  test('a bad config: exit 2 and the error', () => {
    const bad = join(s.dir, 'bad.cf');
    writeFileSync(bad, `logfile="${s.log}"\nbogus=1\n`);
    const r = ld(s, [bad, 'configtest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^Error \[\d+\] reading file .* at line 2: /);
  });

  test('configtest with an extra word is usage', () => {
    expect(ld(s, [goodConfig(s), 'configtest', 'extra']).code).toBe(255);
  });
});

function spawnLd(bin: string, args: string[]) {
  const r = spawnSync(bin, args, { cwd: s.dir, env: s.env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

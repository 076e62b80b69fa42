// The fake ipvsadm program, through its command line: ipvsadm 1.31's commands,
// messages, exit statuses and layouts, as ldirectord and our backend rely on them.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { FAKE_IPVSADM, Fake } from './fake.js';

let fake: Fake;
beforeEach(() => { fake = new Fake(); });
afterEach(() => fake.cleanup());

describe('services', () => {
  test('-A adds, a second -A fails as the kernel does (exit 255)', async () => {
    expect(await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr'])).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr'])).toMatchObject({ exitCode: 255, stderr: 'Service already exists' });
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s wrr']);
  });

  test('-A without -s uses wlc; -E resets what it does not name', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-p', '-M', '255.255.255.0']);
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s wlc -p 300 -M 255.255.255.0']);
    await fake.run(['-E', '-t', '127.0.0.1:80', '-s', 'rr']);
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s rr']);
  });

  test('-E and -D on a missing service: No such service', async () => {
    expect(await fake.run(['-E', '-t', '127.0.0.1:80', '-s', 'rr'])).toMatchObject({ exitCode: 255, stderr: 'No such service' });
    expect(await fake.run(['-D', '-t', '127.0.0.1:80'])).toMatchObject({ exitCode: 255, stderr: 'No such service' });
  });

  test('-D removes the service with its reals', async () => {
    await fake.restore(['-A -t 127.0.0.1:80 -s rr', '-a -t 127.0.0.1:80 -r 127.0.0.2:80']);
    expect((await fake.run(['-D', '-t', '127.0.0.1:80'])).exitCode).toBe(0);
    expect(await fake.save()).toEqual([]);
  });

  test('unknown scheduler', async () => {
    expect(await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'nope'])).toMatchObject({ exitCode: 255, stderr: 'Scheduler or persistence engine not found' });
  });

  test('option errors exit 2 with ipvsadm texts', async () => {
    const cases: [string[], string][] = [
      [['-A', '-t', '127.0.0.1', '-s', 'rr'], 'Zero port specified for non-persistent service'],
      [['-A', '-t', '127.0.0.1:80', '-o'], 'One-Packet Scheduling is only for UDP virtual services'],
      [['-A', '-s', 'rr'], "You need to supply the 'service-address' option for the 'add-service' command"],
      [['-D', '-t', '127.0.0.1:80', '-s', 'rr'], "Illegal 'scheduler' option with the 'delete-service' command"],
      [['-A', '-t', 'nonsense:80'], 'illegal virtual server address[:port] specified'],
      [['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2', '-w', 'x'], 'illegal weight specified'],
      [['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2', '-g', '-m'], "multiple 'forwarding-method' options specified"],
      [['-A', '-t', '127.0.0.1:80', '-6'], '-6 used before -f'],
      [['-A', '-f', '0'], "invalid fwmark value `0' specified"],
      [['-A', '-t', '127.0.0.1:80', '-p', '0'], "invalid timeout value `0' specified"],
      [['-A', '-D', '-t', '127.0.0.1:80'], 'multiple commands specified'],
      [['-A', '-t', '127.0.0.1:80', '-s', 'rr', '-b', 'sh-port'], "incompatible scheduler flag `sh-port'"],
      [['-a', '-t', '127.0.0.1:80', '-r', '[::1]:80', '-g'], 'Different address family is allowed only for tunneling servers'],
    ];
    for (const [args, msg] of cases) {
      expect({ args, ...(await fake.run(args)) }).toMatchObject({ args, exitCode: 2, stderr: msg });
    }
    expect(fake.calls().every((c) => c.exit === 2)).toBe(true);
  });

  test('an unknown first option gets the -h hint (exit 255)', async () => {
    const r = await fake.run(['-Q']);
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toMatch(/^Try `.*ipvsadm -h' or '.*ipvsadm --help' for more information\.$/);
  });
});

describe('destinations', () => {
  beforeEach(async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
  });

  test('gate and ipip are forced onto the service port, masq keeps its own', async () => {
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2:8080', '-g', '-w', '1']);
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.3:8080', '-i', '-w', '2']);
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.4:8080', '-m', '-w', '3']);
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.5', '-m']);
    expect(await fake.save()).toEqual([
      '-A -t 127.0.0.1:80 -s wrr',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
      '-a -t 127.0.0.1:80 -r 127.0.0.3:80 -i -w 2 --tun-type ipip',
      '-a -t 127.0.0.1:80 -r 127.0.0.4:8080 -m -w 3',
      '-a -t 127.0.0.1:80 -r 127.0.0.5:80 -m -w 1',
    ]);
  });

  test('kernel errors: exists, no such destination, service not defined, thresholds out of range', async () => {
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2:80']);
    expect(await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2:80', '-w', '5'])).toMatchObject({ exitCode: 255, stderr: 'Destination already exists' });
    expect(await fake.run(['-e', '-t', '127.0.0.1:80', '-r', '127.0.0.9:80'])).toMatchObject({ exitCode: 255, stderr: 'No such destination' });
    expect(await fake.run(['-d', '-t', '127.0.0.1:80', '-r', '127.0.0.9:80'])).toMatchObject({ exitCode: 255, stderr: 'No such destination' });
    expect(await fake.run(['-a', '-t', '127.0.0.9:80', '-r', '127.0.0.2:80'])).toMatchObject({ exitCode: 255, stderr: 'Service not defined' });
    expect(await fake.run(['-d', '-t', '127.0.0.9:80', '-r', '127.0.0.2:80'])).toMatchObject({ exitCode: 255, stderr: 'Service not defined' });
    expect(await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.3:80', '-y', '5'])).toMatchObject({ exitCode: 255, stderr: 'Numerical result out of range' });
  });

  test('-e sets weight (default 1), forwarding and thresholds; -d removes', async () => {
    await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.2:80', '-w', '5']);
    await fake.run(['-e', '-t', '127.0.0.1:80', '-r', '127.0.0.2:80', '-m']);
    expect(await fake.save()).toContain('-a -t 127.0.0.1:80 -r 127.0.0.2:80 -m -w 1');
    await fake.run(['-e', '-t', '127.0.0.1:80', '-x', '10', '-y', '2', '-r', '127.0.0.2:80', '-m', '-w', '0']);
    const th = await fake.run(['-L', '-n', '--thresholds']);
    expect(th.stdout).toContain('  -> 127.0.0.2:80                 10         2          0          0         \n');
    await fake.run(['-d', '-t', '127.0.0.1:80', '-r', '127.0.0.2:80']);
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s wrr']);
  });
});

describe('listings', () => {
  beforeEach(async () => {
    const r = await fake.restore([
      '-A -t 127.0.0.1:80 -s wrr -p 300 -M 255.255.255.0',
      '-a -t 127.0.0.1:80 -r 127.0.0.3:80 -m -w 2 -x 10 -y 3',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
      '-A -u 127.0.0.1:53 -s rr -o',
      '-a -u 127.0.0.1:53 -r 127.0.0.4 -i',
      '-A -t [::1]:80 -s wrr',
      '-a -t [::1]:80 -r [::1]:8082 -m -w 2',
      '-A -f 2 -s sh -b sh-port',
      '-A -f 1 -6 -s rr -p 60 -M 64',
      '-a -f 1 -6 -r [::1]:0 -g -w 0',
    ]);
    expect(r).toMatchObject({ exitCode: 0, stderr: '' });
  });

  test('-L -n: ipvsadm layout, sorted as ipvsadm sorts', async () => {
    const r = await fake.run(['-L', '-n']);
    expect(r.stdout).toBe([
      'IP Virtual Server version 1.2.1 (size=4096)',
      'Prot LocalAddress:Port Scheduler Flags',
      '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
      'TCP  127.0.0.1:80 wrr persistent 300 mask 255.255.255.0',
      '  -> 127.0.0.2:80                 Route   1      0          0         ',
      '  -> 127.0.0.3:80                 Masq    2      0          0         ',
      'UDP  127.0.0.1:53 rr ops',
      '  -> 127.0.0.4:53                 Tunnel  1      0          0         ',
      'TCP  [::1]:80 wrr',
      '  -> [::1]:8082                   Masq    2      0          0         ',
      'FWM  1 IPv6 rr persistent 60 mask 64',
      '  -> [::1]:0                      Route   0      0          0         ',
      'FWM  2 sh (sh-port)',
      '',
    ].join('\n'));
    // -Ln bundled, as people type it
    expect((await fake.run(['-Ln'])).stdout).toBe(r.stdout);
  });

  test('-L -n --thresholds', async () => {
    const r = await fake.run(['-L', '-n', '--thresholds']);
    expect(r.stdout.split('\n').slice(1, 6)).toEqual([
      'Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn ',
      '  -> RemoteAddress:Port',
      'TCP  127.0.0.1:80 wrr persistent 300 mask 255.255.255.0',
      '  -> 127.0.0.2:80                 0          0          0          0         ',
      '  -> 127.0.0.3:80                 10         3          0          0         ',
    ]);
  });

  test('-S -n: rule format, no thresholds (ipvsadm 1.31 prints none)', async () => {
    expect(await fake.save()).toEqual([
      '-A -t 127.0.0.1:80 -s wrr -p 300 -M 255.255.255.0',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
      '-a -t 127.0.0.1:80 -r 127.0.0.3:80 -m -w 2',
      '-A -u 127.0.0.1:53 -s rr -o',
      '-a -u 127.0.0.1:53 -r 127.0.0.4:53 -i -w 1 --tun-type ipip',
      '-A -t [::1]:80 -s wrr',
      '-a -t [::1]:80 -r [::1]:8082 -m -w 2',
      '-A -f 1 -6 -s rr -p 60 -M 64',
      '-a -f 1 -6 -r [::1]:0 -g -w 0',
      '-A -f 2 -s sh -b sh-port',
    ]);
  });

  test('-S output restores to the same table', async () => {
    const saved = await fake.save();
    const other = new Fake();
    try {
      expect((await other.restore(saved)).exitCode).toBe(0);
      expect(await other.save()).toEqual(saved);
    } finally {
      other.cleanup();
    }
  });

  test('-C clears, -Z is a no-op', async () => {
    expect((await fake.run(['-Z'])).exitCode).toBe(0);
    expect((await fake.save()).length).toBe(10);
    expect((await fake.run(['-C'])).exitCode).toBe(0);
    expect(await fake.save()).toEqual([]);
  });

  test('the real ldirectord regexes read the listing', async () => {
    // ld_read_ipvsadm's patterns, verbatim, run by perl itself.
    const perl = String.raw`
      <STDIN>; <STDIN>; <STDIN>;
      while (<STDIN>) {
        if (/^(\w+)\s+(\d+\.\d+\.\d+\.\d+\:\d+|\[[0-9A-Fa-f:]+\]:\d+|\d+)( IPv6)?\s+(\w+)\s+persistent\s+(\d+)\s+mask\s+(.*)/) { print "S $2 ".lc($1).(defined($3)?"6":"")." $4 p=$5 m=$6\n" }
        elsif (/^(\w+)\s+(\d+\.\d+\.\d+\.\d+\:\d+|\[[0-9A-Fa-f:]+\]:\d+|\d+)( IPv6)?\s+(\w+)/) { print "S $2 ".lc($1).(defined($3)?"6":"")." $4\n" }
        elsif (/^  ->\s+(\d+\.\d+\.\d+\.\d+\:\d+|\[[0-9A-Fa-f:]+\]:\d+)\s+(\w+)\s+(\d+)/) { print "R $1 $2 $3\n" }
        else { print "? $_" }
      }`;
    const listing = (await fake.run(['-L', '-n'])).stdout;
    const r = await execa('perl', ['-e', perl], { input: listing });
    expect(r.stdout.split('\n')).toEqual([
      'S 127.0.0.1:80 tcp wrr p=300 m=255.255.255.0',
      'R 127.0.0.2:80 Route 1',
      'R 127.0.0.3:80 Masq 2',
      'S 127.0.0.1:53 udp rr',
      'R 127.0.0.4:53 Tunnel 1',
      'S [::1]:80 tcp wrr',
      'R [::1]:8082 Masq 2',
      'S 1 fwm6 rr p=60 m=64',
      'R [::1]:0 Route 0',
      'S 2 fwm sh',
    ]);
  });
});

describe('-R', () => {
  test('kernel errors do not stop it; the exit status is the last line\'s; the line is not named', async () => {
    const r = await fake.restore([
      '-A -t 127.0.0.1:80 -s wrr',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1',
      '-a -t 127.0.0.1:80 -r 127.0.0.3:80 -g -w 1',
    ]);
    expect(r).toMatchObject({ exitCode: 0, stderr: 'Destination already exists' });
    expect(await fake.save()).toHaveLength(3);
    const last = await fake.restore(['-a -t 127.0.0.1:80 -r 127.0.0.4:80', '-a -t 127.0.0.1:80 -r 127.0.0.4:80']);
    expect(last).toMatchObject({ exitCode: 255, stderr: 'Destination already exists' });
  });

  test('an option error stops it at that line (exit 2); earlier lines stay applied', async () => {
    const r = await fake.restore([
      '-A -t 127.0.0.1:80 -s wrr',
      '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -w x',
      '-a -t 127.0.0.1:80 -r 127.0.0.3:80',
    ]);
    expect(r).toMatchObject({ exitCode: 2, stderr: 'illegal weight specified' });
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s wrr']);
  });

  test('comments, blank lines and a leading "ipvsadm" word are skipped', async () => {
    const r = await fake.restore(['# a comment', '', 'ipvsadm -A -t 127.0.0.1:80 -s rr # trailing', '   ']);
    expect(r.exitCode).toBe(0);
    expect(await fake.save()).toEqual(['-A -t 127.0.0.1:80 -s rr']);
  });

  test('calls.log records argv, stdin, exit and stderr', async () => {
    await fake.restore(['-A -t 127.0.0.1:80 -s rr']);
    await fake.run(['-D', '-t', '127.0.0.9:80']);
    const calls = fake.calls();
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ argv: ['-R'], stdin: '-A -t 127.0.0.1:80 -s rr\n', exit: 0, stderr: '' });
    expect(calls[1]).toMatchObject({ argv: ['-D', '-t', '127.0.0.9:80'], exit: 255, stderr: 'No such service' });
    expect(calls[1]!.stdin).toBeUndefined();
  });
});

describe('control.json', () => {
  test('fail rules: per command or per -R line, limited by times', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'rr']);
    fake.control({ fail: [{ match: '/-r 127\\.0\\.0\\.3/', exit: 255, stderr: 'Memory allocation problem', times: 1 }] });
    const r = await fake.restore(['-a -t 127.0.0.1:80 -r 127.0.0.2:80', '-a -t 127.0.0.1:80 -r 127.0.0.3:80', '-a -t 127.0.0.1:80 -r 127.0.0.4:80']);
    expect(r).toMatchObject({ exitCode: 0, stderr: 'Memory allocation problem' });
    expect(await fake.save()).toEqual([
      '-A -t 127.0.0.1:80 -s rr', '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1', '-a -t 127.0.0.1:80 -r 127.0.0.4:80 -g -w 1',
    ]);
    // used up: the same command now works
    expect((await fake.run(['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.3:80'])).exitCode).toBe(0);
  });

  test('hang rules sleep before doing anything; ignoreTerm survives SIGTERM', async () => {
    fake.control({ hang: [{ match: '-S', ms: 60000 }], ignoreTerm: true });
    const p = execa(FAKE_IPVSADM, ['-S', '-n'], { env: fake.env, reject: false, timeout: 300, forceKillAfterDelay: 300 });
    const r = await p;
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL'); // TERM was ignored
    expect(fake.calls()).toMatchObject([{ argv: ['-S', '-n'], exit: null, hang: 60000 }]);
    // nothing held: the next run works
    fake.control({});
    expect((await fake.run(['-L', '-n'])).exitCode).toBe(0);
  });
});

describe('state directory and lock', () => {
  test('runs as ./ipvsadm through a symlink, state next to the link', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ld-cwd-'));
    try {
      symlinkSync(FAKE_IPVSADM, join(dir, 'ipvsadm'));
      const env = { ...process.env } as Record<string, string>;
      delete env.FAKE_IPVSADM_DIR;
      const r = await execa('./ipvsadm', ['-A', '-t', '127.0.0.1:80', '-s', 'rr'], { cwd: dir, env, extendEnv: false, reject: false });
      expect(r.exitCode).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')).services).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('concurrent invocations never lose an update', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'rr']);
    const n = 24;
    const runs = await Promise.all(Array.from({ length: n }, (_, i) => fake.run(['-a', '-t', '127.0.0.1:80', '-r', `127.0.1.${i + 1}:80`])));
    expect(runs.map((r) => r.exitCode)).toEqual(Array(n).fill(0));
    expect(await fake.save()).toHaveLength(n + 1);
  });

  test('a stale lock (dead owner) is broken', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(fake.dir, 'lock'));
    writeFileSync(join(fake.dir, 'lock', 'pid'), '999999999');
    const r = await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'rr']);
    expect(r.exitCode).toBe(0);
  });
});

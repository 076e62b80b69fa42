// Positive behaviour of the reader: defaults, inheritance, ranges, names,
// fallbacks, IPv6, fwmark, per-real settings, check ids, shipped files.

import { describe, expect, test } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { ConfigError, configToJSON, loadConfig, parseConfigText, summarize } from '../../src/config/index.js';

const parse = (text: string) => parseConfigText(text, '/etc/ha.d/t.cf', { hostname: 'host1' });
const V = 'virtual=127.0.0.1:80\n\treal=127.0.0.2:80 gate\n';

describe('defaults', () => {
  test('global and virtual defaults as set_defaults / read_config / ld_setup', async () => {
    const c = await parse(V);
    expect(c.name).toBe('t.cf');
    expect(c.global).toMatchObject({
      checkinterval: 10, checkcount: 1, failurecount: 1, autoreload: false, fork: false, supervised: false,
      quiescent: false, readdquiescent: false, cleanstop: true, logfile: '/var/log/ldirectord.log',
      emailalert: '', emailalertfreq: 0, emailalertstatus: 0xf, execute: [], reconcileinterval: 5, shadow: false,
    });
    expect(c.global.checktimeout).toBeUndefined();
    const v = c.virtuals[0]!;
    expect(v).toMatchObject({
      line: 1, af: 4, protocol: 'tcp', ip: '127.0.0.1', port: 80, addr: '127.0.0.1:80', id: 'tcp:127.0.0.1:80',
      scheduler: 'wrr', checktype: 'negotiate', service: 'http', request: '/', receive: '', httpmethod: 'GET',
      checktimeout: 5, negotiatetimeout: 30, checkcount: 1, failurecount: 1, checkinterval: 10,
      quiescent: false, cleanstop: true, ops: false, tlsVerify: false, checkcommand: '/bin/true',
    });
    expect(v.reals[0]).toEqual({
      line: 2, ip: '127.0.0.2', port: 80, addr: '127.0.0.2:80', forward: 'gate', weight: 1, request: '/', receive: '',
      lThreshold: 0, uThreshold: 0, checkPort: 80, url: 'http://127.0.0.2:80/',
      checkId: 'negotiate:http:tcp:127.0.0.2:80:::1:gate:\\/:',
    });
    expect(Object.isFrozen(v.reals)).toBe(true);
  });

  test('timeouts: mutual fallback, resolved differently for each', async () => {
    const t = async (g: string, b: string) => {
      const v = (await parse(`${g}virtual=127.0.0.1:80\n${b}\treal=127.0.0.2:80 gate\n`)).virtuals[0]!;
      return [v.checktimeout, v.negotiatetimeout];
    };
    expect(await t('', '')).toEqual([5, 30]);
    expect(await t('checktimeout=3\n', '')).toEqual([3, 3]);
    expect(await t('negotiatetimeout=8\n', '')).toEqual([8, 8]);
    expect(await t('checktimeout=3\n', '\tnegotiatetimeout=9\n')).toEqual([9, 9]);
    expect(await t('checktimeout=3\nnegotiatetimeout=8\n', '\tchecktimeout=2\n')).toEqual([2, 2]);
    expect(await t('checktimeout=3\nnegotiatetimeout=8\n', '')).toEqual([3, 8]);
  });

  test('udp for port 53 / domain, fwm for a mark, service from the port', async () => {
    const c = await parse('virtual=127.0.0.1:domain\n\treal=127.0.0.2 gate\nvirtual=5\n\treal=127.0.0.2 gate\nvirtual=127.0.0.1:8443\n\treal=127.0.0.2 gate\n');
    expect(c.virtuals.map((v) => [v.protocol, v.port, v.service, v.id])).toEqual([
      ['udp', 53, 'dns', 'udp:127.0.0.1:53'], ['fwm', 0, 'none', 'fwm:5'], ['tcp', 8443, 'none', 'tcp:127.0.0.1:8443'],
    ]);
    expect(c.virtuals[1]!.fwm).toBe(5);
    expect(c.virtuals[1]!.ip).toBeUndefined();
  });

  test('ftp and sip credentials default to $HOSTNAME', async () => {
    const c = await parse(`${V}\tservice=ftp\nvirtual=127.0.0.1:5060\n\treal=127.0.0.2 gate\n\tservice=sip\n`);
    expect([c.virtuals[0]!.login, c.virtuals[0]!.passwd]).toEqual(['anonymous', 'ldirectord@host1']);
    expect(c.virtuals[1]!.login).toBe('ldirectord@host1');
  });
});

describe('inheritance', () => {
  test('per-virtual values override globals; unset ones inherit', async () => {
    const c = await parse('quiescent=yes\ncleanstop=no\nemailalert=a@b\nsmtp=127.0.0.9\ncheckinterval=20\nfallbackcommand=/bin/fb\n' +
      `${V}\tquiescent=no\n\tcheckinterval=3\n\temailalertfreq=9\nvirtual=127.0.0.1:81\n\treal=127.0.0.2 gate\n`);
    const [a, b] = c.virtuals;
    expect([a!.quiescent, a!.cleanstop, a!.emailalert, a!.smtp, a!.checkinterval, a!.emailalertfreq, a!.fallbackcommand])
      .toEqual([false, false, 'a@b', '127.0.0.9', 3, 9, '/bin/fb']);
    expect([b!.quiescent, b!.checkinterval]).toEqual([true, 20]);
    expect(c.warnings).toEqual([]);
  });
});

describe('real servers', () => {
  test('IPv4 range across a digit-count boundary', async () => {
    const c = await parse('virtual=127.0.0.1:80\n\treal=127.0.0.9->127.0.0.11:http masq 2\n');
    expect(c.virtuals[0]!.reals.map((r) => [r.addr, r.weight, r.line])).toEqual([
      ['127.0.0.9:80', 2, 2], ['127.0.0.10:80', 2, 2], ['127.0.0.11:80', 2, 2],
    ]);
  });

  test('IPv4 range across an octet', async () => {
    const c = await parse('virtual=127.0.0.1:80\n\treal=127.0.0.254->127.0.1.1 gate\n');
    expect(c.virtuals[0]!.reals.map((r) => r.ip)).toEqual(['127.0.0.254', '127.0.0.255', '127.0.1.0', '127.0.1.1']);
  });

  test('IPv6 range', async () => {
    const c = await parse('virtual6=[::1]:80\n\treal6=[fe80::1:fffe]->[fe80::2:1]:8080 masq\n\treal6=[::1]->[::2] gate\n');
    expect(c.virtuals[0]!.reals.map((r) => r.addr)).toEqual([
      '[fe80::1:fffe]:8080', '[fe80::1:ffff]:8080', '[fe80::2:0]:8080', '[fe80::2:1]:8080', '[::1]:0', '[::2]:0',
    ]);
  });

  test('absurd ranges are refused', async () => {
    const e = await parse('virtual=127.0.0.1:80\n\treal=127.0.0.0->127.255.255.255 gate\n').catch((x: ConfigError) => x);
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).detail).toBe('Invalid Range: 127.0.0.0-127.255.255.255: 16777216 addresses, at most 65536 are allowed');
  });

  test('hostnames and inet_aton forms resolve; IPv6 is canonicalised', async () => {
    const c = await parse('virtual=localhost:http\n\treal=localhost:www masq\n\treal=127.1 gate\n' +
      'virtual6=[0:0:0::0001]:80\n\treal6=[FE80:0:0:0:0:0:0:0001]:80 masq\n');
    expect(c.virtuals[0]!.addr).toBe('127.0.0.1:80');
    expect(c.virtuals[0]!.reals.map((r) => r.addr)).toEqual(['127.0.0.1:80', '127.0.0.1:0']);
    expect(c.virtuals[1]!.ip).toBe('::1');
    expect(c.virtuals[1]!.reals[0]!).toMatchObject({ ip: 'fe80::1', addr: '[fe80::1]:80', url: 'http://[fe80::1]:80/' });
  });

  test('names are looked up once per name and family', async () => {
    const seen: string[] = [];
    const lookup = async (name: string, family: 4 | 6) => { seen.push(`${family}/${name}`); return name === 'web' ? '127.0.0.7' : undefined; };
    const c = await parseConfigText('virtual=127.0.0.1:80\n\treal=web gate\n\treal=web:81 gate\n\treal=127.0.0.3 gate\n', 'x', { lookup });
    expect(c.virtuals[0]!.reals.map((r) => r.addr)).toEqual(['127.0.0.7:0', '127.0.0.7:81', '127.0.0.3:0']);
    expect(seen).toEqual(['4/web']);
  });

  test('per-real request/receive, thresholds and check ids', async () => {
    const c = await parse('virtual=127.0.0.1:80\n\tservice=http\n\treceive="Hi"\n' +
      '\treal=127.0.0.2:80 masq 3 "check.php?a=1", "OK (.*)" l:5 u:50\n' +
      '\treal=127.0.0.3:80 masq 1 "/abs" "ignored" u:9\n');
    const [a, b] = c.virtuals[0]!.reals;
    expect(a).toMatchObject({ request: '/check.php?a=1', receive: 'OK (.*)', lThreshold: 5, uThreshold: 50, weight: 3,
      url: 'http://127.0.0.2:80/check.php?a=1', checkId: 'negotiate:http:tcp:127.0.0.2:80:::3:masq:\\/check\\.php\\?a\\=1:OK\\ \\(\\.\\*\\)' });
    // ldirectord drops the receive string (and what follows) when the request starts with '/'.
    expect(b).toMatchObject({ request: '/abs', receive: 'Hi', uThreshold: 0, url: 'http://127.0.0.3:80/' });
  });

  test('check id of external checks and checkport/virtualhost', async () => {
    const c = await parse('virtual=127.0.0.1:80\n\tchecktype=external\n\tcheckcommand="/bin/x y"\n\tcheckport=81\n\tvirtualhost=h.test\n\treal=127.0.0.2:80 gate\n');
    expect(c.virtuals[0]!.reals[0]!.checkId).toBe('external:/bin/x y:tcp:127.0.0.2:80:h.test:81:1:gate:\\/:');
    expect(c.virtuals[0]!.reals[0]!.checkPort).toBe(81);
  });
});

describe('fallback', () => {
  test('global fallback without port takes each virtual port; with port used as is', async () => {
    const c = await parse('fallback=127.0.0.9\nfallback6=[::1]:81 masq\n' + V +
      'virtual=127.0.0.1:53\n\treal=127.0.0.2 gate\nvirtual6=[::1]:80\n\treal6=[::1]:80 gate\nvirtual=4\n\treal=127.0.0.2 gate\n');
    expect(c.virtuals.map((v) => v.fallback)).toEqual([
      { ip: '127.0.0.9', port: 80, forward: 'gate', weight: 1 },
      { ip: '127.0.0.9', port: 53, forward: 'gate', weight: 1 },
      { ip: '::1', port: 81, forward: 'masq', weight: 1 },
      { ip: '127.0.0.9', port: 0, forward: 'gate', weight: 1 },
    ]);
    expect(c.global.fallback).toEqual({ tcp: { ip: '127.0.0.9', port: 0, forward: 'gate', weight: 1 }, udp: { ip: '127.0.0.9', port: 0, forward: 'gate', weight: 1 }, portGiven: false });
  });

  test('per-virtual fallback defaults to the virtual port, by name', async () => {
    const c = await parse('virtual=127.0.0.1:http\n\treal=127.0.0.2 gate\n\tfallback=localhost ipip\n');
    expect(c.virtuals[0]!.fallback).toEqual({ ip: '127.0.0.1', port: 80, forward: 'ipip', weight: 1 });
  });
});

describe('extensions and warnings of our own', () => {
  test('extension keys', async () => {
    const c = await parse(`reconcileinterval=2\nmetrics=127.0.0.1:9494\nshadow=yes\n${V}\ttlsverify=yes\n\ttlscafile="/etc/hostname"\n`);
    expect([c.global.reconcileinterval, c.global.metrics, c.global.shadow]).toEqual([2, '127.0.0.1:9494', true]);
    expect([c.virtuals[0]!.tlsVerify, c.virtuals[0]!.tlsCaFile]).toEqual([true, '/etc/hostname']);
  });

  test.each([
    ['reconcileinterval=0\n', 'invalid reconcile interval value'],
    ['metrics=9494\n', 'invalid metrics address, should be host:port'],
    ['shadow=1\n', "shadow must be 'yes' or 'no'"],
    [`${V}\ttlsverify=true\n`, "tlsverify must be 'yes' or 'no'"],
    [`${V}\ttlscafile=/nonexistent-ca.pem\n`, 'unable to open tlscafile /nonexistent-ca.pem: No such file or directory'],
  ])('%j', async (text, detail) => {
    await expect(parse(text)).rejects.toMatchObject({ code: 'ECONFIG', detail });
  });

  test('unknown scheduler and schedflags are accepted with a warning', async () => {
    const c = await parse(`${V}\tscheduler=foo\n\tschedflags=sh-port,bogus\n`);
    expect(c.virtuals[0]!.scheduler).toBe('foo');
    expect(c.warnings.map((w) => [w.line, w.message.split(' (')[0]])).toEqual([
      [3, 'scheduler "foo" is not an IPVS scheduler'], [4, 'unknown schedflags item "bogus"'],
    ]);
  });

  test('fork=yes is accepted', async () => {
    expect((await parse('fork=yes\n')).global.fork).toBe(true);
  });
});

describe('shipped configs parse', () => {
  const files = ['ldirectord.cf.sample', ...readdirSync('examples').filter((f) => f.endsWith('.cf')).map((f) => `examples/${f}`)];
  test.each(files)('%s', async (file) => {
    const c = await loadConfig(file, { debug: true });
    expect(c.virtuals.length).toBeGreaterThan(0);
    expect(c.warnings).toEqual([]);
    for (const v of c.virtuals) for (const r of v.reals) expect(r.ip).toMatch(/^(127\.|::1$)/);
  });

  test('summary and JSON', async () => {
    const c = await loadConfig('examples/web-fallback.cf', { debug: true });
    expect(summarize(c)).toContain('examples/web-fallback.cf: 1 virtual service(s), 5 real server(s), 5 distinct check(s) (negotiate:http=5)');
    expect(summarize(c)).toContain('tcp:127.0.0.1:80 wlc negotiate/http: 5 real(s), fallback 127.0.0.1:8080');
    const j = configToJSON(c) as { virtuals: Array<{ reals: unknown[] }> };
    expect(j.virtuals[0]!.reals).toHaveLength(5);
  });
});

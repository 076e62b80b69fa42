// Differential test against the real thing: the same config files through
// ldirectord 4.12's own read_config + ld_setup (test/diff/perl-read-config.pl)
// and through ours; same result, or the same error text (modulo PID).
// Perl and /usr/sbin/ldirectord are required: CI installs them, so a missing
// one is a failure, never a skip.

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatWarning, loadConfig, type Config } from '../../src/config/index.js';
import { ERROR_CASES, WARN_CASES } from './cases.js';
import { VALID_CASES, DIFFERENT_CASES } from './diff-corpus.js';

const HARNESS = join(process.cwd(), 'test/diff/perl-read-config.pl');
const LDIRECTORD = '/usr/sbin/ldirectord';
const HOSTNAME = 'difftest.example';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ld-diff-'));
  const texts = [...ERROR_CASES, ...WARN_CASES, ...VALID_CASES].map((c) => c.text).concat(shippedFiles().map(([, t]) => t));
  texts.forEach((t, i) => schedule(t, join(dir, `pre${i}.cf`)));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface PerlRun { code: number; stdout: string; stderr: string }

async function runPerl(file: string): Promise<PerlRun> {
  const r = await execa('perl', [HARNESS, file], { reject: false, stripFinalNewline: false, env: { HOSTNAME } });
  return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

type Ours = { ok: true; config: Config } | { ok: false; error: ConfigError };

async function runOurs(file: string): Promise<Ours> {
  try {
    return { ok: true, config: await loadConfig(file, { hostname: HOSTNAME }) };
  } catch (e) {
    if (e instanceof ConfigError) return { ok: false, error: e };
    throw e;
  }
}

const str = (x: unknown): string | null => (x === null || x === undefined ? null : String(x));

// The fields both sides have, as strings, from the Perl harness JSON.
function theirsView(j: any): unknown {
  return j.virtual.map((v: any) => ({
    id: v.id, virtual: str(v.virtual), protocol: v.protocol, scheduler: v.scheduler,
    checktype: v.checktype, numConnects: str(v.num_connects), service: v.service,
    checkcommand: v.checkcommand, request: v.request, receive: v.receive, login: v.login, passwd: v.passwd,
    database: v.database, secret: v.secret, load: str(v.load),
    checktimeout: str(v.checktimeout), negotiatetimeout: str(v.negotiatetimeout),
    checkcount: str(v.checkcount), failurecount: str(v.failurecount),
    checkport: str(v.checkport), httpmethod: v.httpmethod, virtualhost: str(v.virtualhost),
    ops: v.ops, persistent: str(v.persistent), schedflags: str(v.schedflags), netmask: str(v.netmask),
    fallback: v.effective_fallback && { server: v.effective_fallback.server, port: str(v.effective_fallback.port), forward: v.effective_fallback.forward },
    quiescent: str(v.quiescent), cleanstop: str(v.cleanstop), emailalert: str(v.emailalert),
    emailalertfreq: str(v.emailalertfreq), emailalertstatus: str(v.emailalertstatus), smtp: str(v.smtp),
    monitorfile: str(v.monitorfile), servicename: str(v.servicename), comment: str(v.comment),
    fallbackcommand: str(v.fallbackcommand),
    reals: v.real.map((r: any) => ({
      server: r.server, port: str(r.port), forward: r.forward, weight: String(Number(r.weight)),
      request: r.request, receive: r.receive, url: r.url, checkport: String(Number(r.checkport ?? 0)),
      l: str(r.lthreshold) ?? '0', u: str(r.uthreshold) ?? '0', id: r.id,
    })),
  }));
}

// The same view of our model; per-virtual overrides are compared where ldirectord keeps them.
function oursView(c: Config, j: any): unknown {
  return c.virtuals.map((v, i) => {
    const pv = j.virtual[i] ?? {};
    const br = (ip: string): string => (v.af === 6 ? `[${ip}]` : ip);
    const has = (k: string): boolean => pv[k] !== undefined && pv[k] !== null;
    return {
      id: v.id, virtual: v.addr, protocol: v.protocol, scheduler: v.scheduler,
      checktype: v.checktype, numConnects: String(v.numConnects), service: v.service,
      checkcommand: v.checkcommand, request: v.request, receive: v.receive, login: v.login, passwd: v.passwd,
      database: v.database, secret: v.secret, load: v.load ?? null,
      checktimeout: String(v.checktimeout), negotiatetimeout: String(v.negotiatetimeout),
      checkcount: String(v.checkcount), failurecount: String(v.failurecount),
      checkport: str(v.checkport), httpmethod: v.httpmethod, virtualhost: v.virtualhost ?? null,
      ops: v.ops ? 'yes' : 'no', persistent: str(v.persistent), schedflags: v.schedflags ?? null, netmask: v.netmask ?? null,
      fallback: v.protocol === 'fwm' ? null : (v.fallback ? { server: br(v.fallback.ip), port: String(v.fallback.port), forward: v.fallback.forward } : null),
      quiescent: has('quiescent') ? (v.quiescent ? 'yes' : 'no') : null,
      cleanstop: has('cleanstop') ? (v.cleanstop ? 'yes' : 'no') : null,
      emailalert: has('emailalert') ? v.emailalert : null,
      emailalertfreq: has('emailalertfreq') ? String(v.emailalertfreq) : null,
      emailalertstatus: has('emailalertstatus') ? String(v.emailalertstatus) : null,
      smtp: has('smtp') ? v.smtp ?? null : null,
      monitorfile: v.monitorfile ?? null, servicename: v.servicename ?? null, comment: v.comment ?? null,
      fallbackcommand: has('fallbackcommand') ? v.fallbackcommand ?? null : null,
      reals: v.reals.map((r) => ({
        server: br(r.ip), port: r.addr.slice(r.addr.lastIndexOf(':') + 1), forward: r.forward,
        weight: String(r.weight),
        request: r.request, receive: r.receive, url: r.url, checkport: String(r.checkPort),
        l: String(r.lThreshold), u: String(r.uThreshold), id: r.checkId,
      })),
    };
  });
}

function globalsView(c: Config): unknown {
  const g = c.global;
  return {
    checkinterval: String(g.checkinterval), checkcount: String(g.checkcount), failurecount: String(g.failurecount),
    autoreload: g.autoreload ? 'yes' : 'no', callback: g.callback ?? null, logfile: g.logfile,
    fork: g.fork ? 'yes' : 'no', supervised: g.supervised ? 'yes' : 'no', quiescent: g.quiescent ? 'yes' : 'no',
    readdquiescent: g.readdquiescent ? 'yes' : 'no', emailalert: g.emailalert, emailalertfreq: String(g.emailalertfreq),
    emailalertstatus: String(g.emailalertstatus), emailalertfrom: g.emailalertfrom ?? null,
    cleanstop: g.cleanstop ? 'yes' : 'no', smtp: g.smtp ?? null, maintenancedir: g.maintenancedir ?? null,
    fallbackcommand: g.fallbackcommand ?? null, execute: [...g.execute].sort(),
    checktimeout: String(g.checktimeout ?? -1), negotiatetimeout: String(g.negotiatetimeout ?? -1),
  };
}

function theirGlobals(j: any): unknown {
  const g = j.global;
  const keys = ['checkinterval', 'checkcount', 'failurecount', 'autoreload', 'callback', 'logfile', 'fork', 'supervised',
    'quiescent', 'readdquiescent', 'emailalert', 'emailalertfreq', 'emailalertstatus', 'emailalertfrom', 'cleanstop',
    'smtp', 'maintenancedir', 'fallbackcommand', 'checktimeout', 'negotiatetimeout'];
  return { ...Object.fromEntries(keys.map((k) => [k, str(g[k])])), execute: g.execute };
}

// Drop our extension warnings (scheduler/schedflags) which ldirectord does not print.
const ourStderr = (file: string, warnings: Config['warnings'], extra = ''): string =>
  warnings.filter((w) => !/scheduler|schedflags/.test(w.message)).map((w) => formatWarning(file, w, 1)).join('') + extra;
// ldirectord's "checkinterval ... ignored when fork=no" is deliberately not printed (we honour it).
const normPid = (s: string): string =>
  s.replace(/^Warning \[\d+\]: checkinterval in virtual service .* ignored when fork=no\n/gm, '')
    .replace(/^(Error|Warning) \[\d+\]/gm, '$1 [1]');

// Each Perl run costs ~0.3 s (it compiles all of ldirectord): start them all up front, 8 at a time.
const jobs = new Map<string, { file: string; perl: Promise<PerlRun> }>();
let running = 0;
const queue: Array<() => void> = [];
function schedule(text: string, file: string): void {
  if (jobs.has(text)) return;
  writeFileSync(file, text);
  const perl = new Promise<void>((go) => (running < 8 ? (running++, go()) : queue.push(() => (running++, go()))))
    .then(() => runPerl(file))
    .finally(() => { running--; queue.shift()?.(); });
  jobs.set(text, { file, perl });
}

let n = 0;
async function compare(text: string): Promise<void> {
  schedule(text, join(dir, `case${n++}.cf`));
  const { file, perl: perlRun } = jobs.get(text)!;
  const [perl, ours] = await Promise.all([perlRun, runOurs(file)]);
  if (perl.code !== 0) {
    const mine = ours.ok ? 'accepted' : ourStderr(file, ours.error.warnings, ours.error.format(1));
    expect({ code: perl.code, stderr: mine }).toEqual({ code: 2, stderr: normPid(perl.stderr) });
    return;
  }
  if (!ours.ok) throw new Error(`ldirectord accepts, we refuse: ${ours.error.format(1)}`);
  const j = JSON.parse(perl.stdout);
  expect(oursView(ours.config, j)).toEqual(theirsView(j));
  expect(globalsView(ours.config)).toEqual(theirGlobals(j));
  expect(ourStderr(file, ours.config.warnings)).toBe(normPid(perl.stderr));
}

test('perl, JSON::PP and ldirectord 4.12 are installed (required, not optional)', async () => {
  expect(existsSync(LDIRECTORD)).toBe(true);
  const r = await execa('perl', ['-MJSON::PP', '-MSocket6', '-e', 'print 1'], { reject: false });
  expect(r.stdout).toBe('1');
});

describe('differential: errors', () => {
  test.each(ERROR_CASES.map((c) => [c.name, c.text] as const))('%s', async (_n, text) => compare(text));
});

describe('differential: warnings', () => {
  test.each(WARN_CASES.map((c) => [c.name, c.text] as const))('%s', async (_n, text) => compare(text));
});

describe('differential: accepted configs', () => {
  test.each(VALID_CASES.map((c) => [c.name, c.text] as const))('%s', async (_n, text) => compare(text));
});

// Shipped files: our sample (extension keys removed), examples/, Debian's examples.
function shippedFiles(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const strip = (t: string): string => t.split('\n').filter((l) => !/^\s*(reconcileinterval|metrics|shadow|tlsverify|tlscafile)\s*=/.test(l)).join('\n');
  out.push(['ldirectord.cf.sample', strip(readFileSync('ldirectord.cf.sample', 'utf8'))]);
  for (const f of readdirSync('examples').filter((x) => x.endsWith('.cf')).sort()) {
    out.push([`examples/${f}`, strip(readFileSync(join('examples', f), 'utf8'))]);
  }
  const deb = '/usr/share/doc/ldirectord/examples';
  if (existsSync(deb)) {
    for (const f of readdirSync(deb).sort()) out.push([`${deb}/${f}`, readFileSync(join(deb, f), 'utf8')]);
  }
  return out;
}

describe('differential: shipped configs', () => {
  test.each(shippedFiles())('%s', async (_n, text) => compare(text));
});

describe('differential: deliberate differences (compat B.3)', () => {
  test.each(DIFFERENT_CASES.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const file = join(dir, `diff${n++}.cf`);
    writeFileSync(file, c.text);
    const [perl, ours] = await Promise.all([runPerl(file), runOurs(file)]);
    expect(normPid(perl.stderr)).toBe(c.perlStderr.replace('FILE', file));
    if (perl.code === 0) {
      const reals = (JSON.parse(perl.stdout) as any).virtual[0].real.map((r: any) => r.server);
      expect(reals).toEqual(c.perlReals);
    } else {
      expect(perl.code).toBe(2);
    }
    expect(ours.ok && ours.config.virtuals[0]!.reals.map((r) => r.addr)).toEqual(c.ourReals);
  });
});

// Daemon side by side: the REAL ldirectord (Perl, /usr/sbin/ldirectord -d CFG start in
// dir A) and OURS (bin/ldirectord -d CFG start in dir B) run at the same time on the
// same config and the same loopback real servers; each drives its own fake ipvsadm
// (test/fixtures/ipvsadm, FAKE_IPVSADM_DIR=A or B). After each step (server state
// changes) the tables (`ipvsadm -S -n`, sorted) and the transition log lines of the
// step are compared. Run through daemon-side-by-side.sh (it builds ours privately).
//
//   node test/diff/daemon-side-by-side.mjs --ours BIN [--only a,b] [--keep] [--json FILE]
import { spawn, execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RealServer } from './daemon-servers.mjs';

const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(HERE, '../..');
const FAKE = path.join(ROOT, 'test/fixtures/ipvsadm');
const LDIRECTORD = process.env.LDIRECTORD ?? '/usr/sbin/ldirectord';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const OURS = opt('--ours', path.join(ROOT, 'bin/ldirectord'));
const ONLY = opt('--only', '')?.split(',').filter(Boolean) ?? [];
const KEEP = args.includes('--keep');
const JSON_OUT = opt('--json', '');

// ---- scenarios --------------------------------------------------------------
// Reals: r1..r4 on 127.0.0.1:181xx (r6 on ::1). Steps: set server modes, optional
// action, wait (s). {P1} etc. are replaced by ports.
const P = { r1: 18101, r2: 18102, r3: 18103, fb: 18109, v6: 18161 };
const HTTP = `\tchecktype=negotiate\n\tservice=http\n\trequest="/"\n\treceive="ok"\n`;
const GLOBAL = `checkinterval=1\nnegotiatetimeout=2\nlogfile="/dev/null"\n`;
const STD_STEPS = [
  { name: 'start r1 up, r2 refused', set: { r1: 'up', r2: 'refused' }, wait: 6, start: true },
  { name: 'r2 up', set: { r2: 'up' }, wait: 4 },
  { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
  { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
  { name: 'r1 500', set: { r1: '500' }, wait: 4 },
  { name: 'r1 up again', set: { r1: 'up' }, wait: 4 },
  { name: 'r1 hung', set: { r1: 'hung' }, wait: 9 },
  { name: 'r1 up after hung', set: { r1: 'up' }, wait: 5 },
];
const V1 = (extra = '') => `virtual=127.0.0.101:80\n\treal=127.0.0.1:${P.r1} masq 2\n\treal=127.0.0.1:${P.r2} masq 3\n${HTTP}${extra}`;

const SCENARIOS = [
  { id: 'delete', title: 'http negotiate, delete mode', cfg: GLOBAL + V1(), steps: STD_STEPS },
  { id: 'quiescent', title: 'quiescent=yes', cfg: GLOBAL + 'quiescent=yes\n' + V1(), steps: STD_STEPS },
  {
    id: 'failurecount', title: 'failurecount=3', cfg: GLOBAL + 'failurecount=3\n' + V1(),
    steps: [
      { name: 'start r1,r2 up', set: { r1: 'up', r2: 'up' }, wait: 6, start: true },
      { name: 'r1 refused (>=3 cycles)', set: { r1: 'refused' }, wait: 8 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
      { name: 'r1 500 (>=3 cycles)', set: { r1: '500' }, wait: 8 },
      { name: 'r1 up again', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'fallback', title: 'fallback + fallbackcommand',
    cfg: GLOBAL + `fallbackcommand="${'{FBCMD}'}"\n` + V1(`\tfallback=127.0.0.1:${P.fb} masq\n`),
    steps: [
      { name: 'start r1,r2 up', set: { r1: 'up', r2: 'up' }, wait: 6, start: true },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
      { name: 'r2 refused (all down)', set: { r2: 'refused' }, wait: 4 },
      { name: 'r2 up', set: { r2: 'up' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'fallback-start', title: 'fallback, all reals down at start',
    cfg: GLOBAL + `fallbackcommand="${'{FBCMD}'}"\n` + V1(`\tfallback=127.0.0.1:${P.fb} masq\n`),
    steps: [
      { name: 'start r1,r2 refused', set: { r1: 'refused', r2: 'refused' }, wait: 6, start: true },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'readdquiescent', title: 'quiescent=yes readdquiescent=yes',
    cfg: GLOBAL + 'quiescent=yes\nreaddquiescent=yes\n' + V1(),
    steps: [
      { name: 'start r1 up, r2 refused', set: { r1: 'up', r2: 'refused' }, wait: 6, start: true },
      { name: 'r1 deleted by hand, then refused', set: {}, ipvsadm: [['-d', '-t', '127.0.0.101:80', '-r', `127.0.0.1:${P.r1}`]], then: { r1: 'refused' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'shared3', title: 'one real in 3 virtuals',
    cfg: GLOBAL + [101, 102, 103].map((v) => `virtual=127.0.0.${v}:80\n\treal=127.0.0.1:${P.r1} masq 2\n${HTTP}`).join(''),
    steps: [
      { name: 'start r1 up', set: { r1: 'up' }, wait: 6, start: true },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'gate-port', title: 'gate real on another port, quiescent (B.4)',
    cfg: GLOBAL + 'quiescent=yes\n' + `virtual=127.0.0.101:80\n\treal=127.0.0.1:${P.r1} gate 2\n\treal=127.0.0.1:${P.r2} masq 3\n${HTTP}`,
    steps: [
      { name: 'start r1,r2 up', set: { r1: 'up', r2: 'up' }, wait: 6, start: true },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'gate-port-delete', title: 'gate real on another port, delete mode',
    cfg: GLOBAL + `virtual=127.0.0.101:80\n\treal=127.0.0.1:${P.r1} gate 2\n\treal=127.0.0.1:${P.r2} masq 3\n${HTTP}`,
    steps: [
      { name: 'start r1,r2 up', set: { r1: 'up', r2: 'up' }, wait: 6, start: true },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'ipv6', title: 'virtual6/real6 on ::1',
    cfg: GLOBAL + `virtual6=[::1]:80\n\treal6=[::1]:${P.v6} masq 2\n${HTTP}`,
    steps: [
      { name: 'start r6 up', set: { r6: 'up' }, wait: 7, start: true },
      { name: 'r6 refused', set: { r6: 'refused' }, wait: 4 },
      { name: 'r6 up', set: { r6: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'fwmark', title: 'fwmark virtual',
    cfg: GLOBAL + `virtual=7\n\treal=127.0.0.1:${P.r1} masq 2\n\treal=127.0.0.1:${P.r2} masq 3\n${HTTP}`,
    steps: [
      { name: 'start r1 up, r2 refused', set: { r1: 'up', r2: 'refused' }, wait: 6, start: true },
      { name: 'r2 up', set: { r2: 'up' }, wait: 4 },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
      { name: 'r1 up', set: { r1: 'up' }, wait: 4 },
    ],
  },
  {
    id: 'stale-purge', title: 'stale real purge at start',
    cfg: GLOBAL + V1(),
    pre: [
      ['-A', '-t', '127.0.0.101:80', '-s', 'rr'],
      ['-a', '-t', '127.0.0.101:80', '-r', `127.0.0.1:${P.r1}`, '-m', '-w', '2'],
      ['-a', '-t', '127.0.0.101:80', '-r', '127.0.0.1:18199', '-m', '-w', '5'],
      ['-A', '-t', '127.0.0.199:80', '-s', 'wlc'],
      ['-a', '-t', '127.0.0.199:80', '-r', '127.0.0.1:18198', '-m', '-w', '1'],
    ],
    steps: [
      { name: 'start (stale 127.0.0.1:18199, foreign virtual .199)', set: { r1: 'up', r2: 'up' }, wait: 6, start: true },
      { name: 'r1 refused', set: { r1: 'refused' }, wait: 4 },
    ],
  },
  {
    id: 'cleanstop-yes', title: 'cleanstop=yes, TERM', cfg: GLOBAL + 'cleanstop=yes\n' + V1(),
    steps: [
      { name: 'start r1 up, r2 refused', set: { r1: 'up', r2: 'refused' }, wait: 6, start: true },
      { name: 'TERM', set: {}, term: true, wait: 3 },
    ],
  },
  {
    id: 'cleanstop-no', title: 'cleanstop=no, TERM', cfg: GLOBAL + 'cleanstop=no\n' + V1(),
    steps: [
      { name: 'start r1 up, r2 refused', set: { r1: 'up', r2: 'refused' }, wait: 6, start: true },
      { name: 'TERM', set: {}, term: true, wait: 3 },
    ],
  },
];

// ---- helpers ---------------------------------------------------------------
const SERVERS = {
  r1: new RealServer('127.0.0.1', P.r1), r2: new RealServer('127.0.0.1', P.r2),
  r3: new RealServer('127.0.0.1', P.r3), r6: new RealServer('::1', P.v6),
};

// Async: the real servers live in this process and must keep answering meanwhile.
function ipvsadm(dir, argv) {
  return new Promise((resolve) => {
    execFile(FAKE, argv, { env: { ...process.env, FAKE_IPVSADM_DIR: dir }, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve(err ? `ERROR ${err.code}: ${stderr}` : stdout);
    });
  });
}
const table = async (dir) => (await ipvsadm(dir, ['-S', '-n'])).split('\n').filter(Boolean).sort().join('\n');

// Transition lines: what log-tail monitoring greps for.
const TRANSITION = /^(Added|Deleted|Quiescent|Restored|Readd Quiescent|Soft failure|Resetting soft|Purged|Changed virtual|Linux Director Daemon terminated|Inaccessible|Table drift|fallbackcommand:)|system\(.*\) failed/;

class Daemon {
  constructor(kind, bin, dir, cfg) {
    this.kind = kind; this.dir = dir; this.lines = []; this.exited = null;
    const env = { ...process.env, FAKE_IPVSADM_DIR: dir };
    this.proc = spawn(bin, ['-d', cfg, 'start'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const s of [this.proc.stdout, this.proc.stderr]) {
      let rest = '';
      s.on('data', (d) => {
        rest += d.toString();
        const parts = rest.split('\n');
        rest = parts.pop();
        for (const l of parts) this.lines.push(l);
      });
    }
    this.proc.on('exit', (code, sig) => { this.exited = { code, sig }; });
    this.mark = 0;
  }
  // Fallback command calls are appended to DIR/fallback.log by the command.
  fallbackLines() {
    const f = path.join(this.dir, 'fallback.log');
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => `fallbackcommand: ${l}`) : [];
  }
  // The log lines since the last call (ldirectord's `DEBUG2: ` duplicates dropped).
  take() {
    const all = this.lines.slice(this.mark);
    this.mark = this.lines.length;
    const fb = this.fallbackLines();
    const fbNew = fb.slice(this.fbMark ?? 0);
    this.fbMark = fb.length;
    return { raw: all, fb: fbNew };
  }
  async stop(sig = 'SIGTERM', ms = 8000) {
    if (this.exited) return;
    this.proc.kill(sig);
    const t0 = Date.now();
    while (!this.exited && Date.now() - t0 < ms) await sleep(50);
    if (!this.exited) { this.proc.kill('SIGKILL'); await sleep(200); }
  }
}

// ldirectord's start-up: every real is Added and then Deleted (or Quiescent), or
// Readd Quiescent, before the first check; the forced down leaves failcount=1, so the
// first success logs `Resetting soft failure count` (compat B.1). Drop the Added/Deleted
// pairs and the first Resetting line for each such real; keep the rest.
function dropStartupArtifacts(lines, checkedIdx) {
  const pre = lines.slice(0, checkedIdx);
  const post = lines.slice(checkedIdx);
  const out = [];
  const dropped = [];
  const paired = new Set();
  for (let i = 0; i < pre.length; i++) {
    const m = /^Added real server: (\S+) \((\S+)\)/.exec(pre[i]);
    if (m) {
      const j = pre.findIndex((l, k) => k > i && l !== null && (l === `Deleted real server: ${m[1]} (${m[2]})` || l.startsWith(`Quiescent real server: ${m[1]} (${m[2]})`)));
      if (j > 0) {
        dropped.push(pre[i]);
        if (pre[j].startsWith('Deleted')) { dropped.push(pre[j]); pre[j] = null; }
        paired.add(m[1]);
        continue;
      }
    }
    if (pre[i] !== null) out.push(pre[i]);
  }
  // quiescent=yes: start-up Added + Quiescent, then Restored by the first check:
  // net effect `Added ... (Weight set to W)` (what ours logs)
  for (const r of paired) {
    const qi = out.findIndex((l) => l.startsWith(`Quiescent real server: ${r} (`));
    const ri = post.findIndex((l) => l.startsWith(`Restored real server: ${r} (`));
    const fi = post.findIndex((l) => l.includes(` ${r} (`) && !l.startsWith('Resetting soft'));
    if (qi >= 0 && ri >= 0 && fi === ri) {
      dropped.push(out[qi], post[ri]);
      out.splice(qi, 1);
      post[ri] = post[ri].replace(/^Restored /, 'Added ');
    }
  }
  // readdquiescent=yes: start-up `Readd Quiescent` (never added first), then Restored
  // by the first check: net effect `Added ... (Weight set to W)`
  for (let qi = 0; qi < out.length; qi++) {
    const m = /^Readd Quiescent real server: (\S+) \((\S+)\)/.exec(out[qi] ?? '');
    if (!m) continue;
    const ri = post.findIndex((l) => l.startsWith(`Restored real server: ${m[1]} (${m[2]})`));
    const fi = post.findIndex((l) => l.includes(` ${m[1]} (`) && !l.startsWith('Resetting soft'));
    if (ri >= 0 && fi === ri) {
      dropped.push(out[qi], post[ri]);
      out.splice(qi--, 1);
      post[ri] = post[ri].replace(/^Restored /, 'Added ');
      paired.add(m[1]);
    }
  }
  const resetSeen = new Set();
  for (const l of post) {
    const m = /^Resetting soft failure count: (\S+) /.exec(l);
    if (m && paired.has(m[1]) && !resetSeen.has(m[1])) { resetSeen.add(m[1]); dropped.push(l); continue; }
    out.push(l);
  }
  return { out, dropped };
}

function normalise(kind, raw, fb, isStart) {
  let lines = raw;
  let checkedIdx = lines.length;
  if (kind === 'ldirectord') {
    // every ld_log message is printed twice: `DEBUG2: msg` then `msg`
    const firstCheck = lines.findIndex((l) => /^DEBUG2: Checking /.test(l));
    const bare = [];
    checkedIdx = -1;
    lines.forEach((l, i) => { if (i === firstCheck) checkedIdx = bare.length; if (!l.startsWith('DEBUG')) bare.push(l); });
    if (checkedIdx < 0) checkedIdx = bare.length;
    lines = bare;
  }
  let t = [];
  let cut = 0;
  lines.forEach((l, i) => { if (TRANSITION.test(l)) { t.push(l); } if (i < checkedIdx) cut = t.length; });
  let dropped = [];
  if (kind === 'ldirectord' && isStart) ({ out: t, dropped } = dropStartupArtifacts(t, cut));
  return { lines: [...t, ...fb], dropped };
}

function multisetDiff(a, b) {
  const count = new Map();
  for (const l of a) count.set(l, (count.get(l) ?? 0) + 1);
  for (const l of b) count.set(l, (count.get(l) ?? 0) - 1);
  const onlyA = []; const onlyB = [];
  for (const [l, n] of count) {
    for (let i = 0; i < n; i++) onlyA.push(l);
    for (let i = 0; i < -n; i++) onlyB.push(l);
  }
  return { onlyA, onlyB };
}

function tableDiff(a, b) {
  const A = new Set(a.split('\n')); const B = new Set(b.split('\n'));
  return { onlyA: [...A].filter((l) => l && !B.has(l)), onlyB: [...B].filter((l) => l && !A.has(l)) };
}

// ---- run -------------------------------------------------------------------
let current = () => [];
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    for (const d of current()) if (d && !d.exited) d.proc.kill('SIGTERM');
    await sleep(500);
    process.exit(130);
  });
}
const results = [];
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'ldts-daemon-sbs-'));
console.log(`work dir: ${base}\nours: ${OURS}\nldirectord: ${LDIRECTORD}\n`);

async function runScenario(sc) {
  const dir = path.join(base, sc.id);
  const A = path.join(dir, 'A'); const B = path.join(dir, 'B');
  for (const d of [A, B]) { fs.mkdirSync(d, { recursive: true }); fs.symlinkSync(FAKE, path.join(d, 'ipvsadm')); }
  const fbcmd = path.join(dir, 'fallback-cmd.sh');
  fs.writeFileSync(fbcmd, '#!/bin/sh\necho "$*" >> "$FAKE_IPVSADM_DIR/fallback.log"\n', { mode: 0o755 });
  const cfg = path.join(dir, 'ldirectord.cf');
  fs.writeFileSync(cfg, sc.cfg.replaceAll('{FBCMD}', fbcmd));
  for (const argv of sc.pre ?? []) { await ipvsadm(A, argv); await ipvsadm(B, argv); }
  // every real server of the scenario starts refused
  for (const s of Object.values(SERVERS)) await s.set('refused');

  let ld = null; let ours = null;
  current = () => [ld, ours];
  console.log(`=== ${sc.id}: ${sc.title}`);
  console.log(sc.cfg.replaceAll('{FBCMD}', fbcmd).split('\n').map((l) => `    | ${l}`).join('\n'));
  try {
    for (const st of sc.steps) {
      for (const [k, m] of Object.entries(st.set)) await SERVERS[k].set(m);
      for (const argv of st.ipvsadm ?? []) { await ipvsadm(A, argv); await ipvsadm(B, argv); }
      for (const [k, m] of Object.entries(st.then ?? {})) await SERVERS[k].set(m);
      if (st.start) {
        ld = new Daemon('ldirectord', LDIRECTORD, A, cfg);
        ours = new Daemon('ours', OURS, B, cfg);
        // ldirectord loads its Perl modules and does the start-up pass first (several
        // seconds on a loaded machine): count the step's wait from its first check.
        const t0 = Date.now();
        while (!ld.lines.some((l) => l.startsWith('DEBUG2: Checking ')) && !ld.exited && Date.now() - t0 < 40000) await sleep(100);
      }
      if (st.term) { await Promise.all([ld.stop(), ours.stop()]); }
      await sleep(st.wait * 1000);
      // settle: up to 8 s more while the tables differ
      let [ta, tb] = await Promise.all([table(A), table(B)]); let extra = 0;
      while (ta !== tb && extra < 8000) { await sleep(250); extra += 250; [ta, tb] = await Promise.all([table(A), table(B)]); }
      // both log a transition just after the ipvsadm run that made it: let the lines arrive
      await sleep(1500);
      const la = ld.take(); const lb = ours.take();
      const na = normalise('ldirectord', la.raw, la.fb, !!st.start);
      const nb = normalise('ours', lb.raw, lb.fb, !!st.start);
      const td = tableDiff(ta, tb);
      const ldf = multisetDiff(na.lines, nb.lines);
      const r = {
        scenario: sc.id, step: st.name, tableEqual: ta === tb, logEqual: ldf.onlyA.length === 0 && ldf.onlyB.length === 0,
        settleExtraMs: extra, tableA: ta, tableB: tb, tableOnlyLd: td.onlyA, tableOnlyOurs: td.onlyB,
        logLd: na.lines, logOurs: nb.lines, logOnlyLd: ldf.onlyA, logOnlyOurs: ldf.onlyB, droppedStartup: na.dropped,
        exitLd: ld.exited, exitOurs: ours.exited,
      };
      results.push(r);
      console.log(`--- step: ${st.name}   table ${r.tableEqual ? 'EQUAL' : 'DIFF'}   log ${r.logEqual ? 'EQUAL' : 'DIFF'}${extra ? `   (tables settled ${extra} ms late)` : ''}`);
      for (const l of na.lines) console.log(`    ld  : ${l}`);
      for (const l of nb.lines) console.log(`    ours: ${l}`);
      if (na.dropped.length) console.log(`    (ld start-up artifacts dropped, B.1: ${na.dropped.length} lines: ${na.dropped.join(' / ')})`);
      if (!r.tableEqual) {
        for (const l of td.onlyA) console.log(`    table only ld  : ${l}`);
        for (const l of td.onlyB) console.log(`    table only ours: ${l}`);
      } else console.log(`    table: ${ta.split('\n').join(' ; ') || '(empty)'}`);
      if (!r.logEqual) {
        for (const l of ldf.onlyA) console.log(`    log only ld  : ${l}`);
        for (const l of ldf.onlyB) console.log(`    log only ours: ${l}`);
      }
      if (st.term) console.log(`    exit ld=${JSON.stringify(ld.exited)} ours=${JSON.stringify(ours.exited)}`);
    }
  } finally {
    if (ld) await ld.stop();
    if (ours) await ours.stop();
    fs.writeFileSync(path.join(dir, 'ld.stderr'), ld ? ld.lines.join('\n') + '\n' : '');
    fs.writeFileSync(path.join(dir, 'ours.stderr'), ours ? ours.lines.join('\n') + '\n' : '');
  }
}

for (const sc of SCENARIOS) {
  if (ONLY.length && !ONLY.includes(sc.id)) continue;
  await runScenario(sc);
}
for (const s of Object.values(SERVERS)) await s.set('refused');

console.log('\n=== summary');
const w = Math.max(...results.map((r) => r.scenario.length));
const ws = Math.max(...results.map((r) => r.step.length));
console.log(`${'scenario'.padEnd(w)}  ${'step'.padEnd(ws)}  table  log`);
for (const r of results) {
  console.log(`${r.scenario.padEnd(w)}  ${r.step.padEnd(ws)}  ${(r.tableEqual ? 'same' : 'DIFF').padEnd(5)}  ${r.logEqual ? 'same' : 'DIFF'}`);
}
if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(results, null, 2));
if (!KEEP) fs.rmSync(base, { recursive: true, force: true });
else console.log(`kept ${base}`);

// Idle cost: RSS and CPU of ours next to the real ldirectord 4.12 (fork=no), both
// checking the same 1,000 reals (checktype=connect, checkinterval=10) on loopback
// listeners served by this process, over a window (default 60 s) after a warm-up.
// Prints numbers, asserts nothing.
//
//   npx tsc && node dist/bench/idle.js [reals=1000] [window-s=60] [warmup-s=20]
//
// Both run `-d CFG start` (the only mode in which ldirectord uses ./ipvsadm), stderr
// to /dev/null for ours and drained by this process for ldirectord (we count its
// `Checking connect` lines). ./ipvsadm is NOT test/fixtures/ipvsadm here: at ~0.3 s
// per run on a loaded machine, ldirectord's start-up (three runs per real, compat B.6)
// would take many minutes. Instead the table is made once with the fake
// (1 virtual, every real present with its weight: nothing to change when all are up),
// its `-S -n`, `-L -n` and `-L -n --thresholds` listings are saved, and a tiny sh
// stand-in prints them and logs every other call (a static table). The idle window
// therefore measures checking, not table writes.
// CPU = utime+stime of the daemon's process tree (children that have exited count
// through cutime+cstime) from /proc/PID/stat; RSS = VmRSS summed over the tree,
// sampled every second (mean and max).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE = join(ROOT, 'test/fixtures/ipvsadm');
const OURS = process.env.OURS ?? join(ROOT, 'bin/ldirectord');
const LDIRECTORD = process.env.LDIRECTORD ?? '/usr/sbin/ldirectord';
const N = Number(process.argv[2] ?? 1000);
const WINDOW_S = Number(process.argv[3] ?? 60);
const WARMUP_S = Number(process.argv[4] ?? 20);
const PORT = 18501;
const VIP = '127.0.0.250:80';
const host = (i: number) => `127.4.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const TICK = 100; // getconf CLK_TCK

// ---- /proc -------------------------------------------------------------------
function stat(pid: number): { ppid: number; cpu: number; ccpu: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[0] = state (field 3); utime=14, stime=15, cutime=16, cstime=17 -> f[11..14]
    return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), ccpu: Number(f[13]) + Number(f[14]) };
  } catch { return null; }
}
function rssKb(pid: number): number {
  try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0); } catch { return 0; }
}
function tree(root: number): number[] {
  const kids = new Map<number, number[]>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(Number(d));
    if (s) { const a = kids.get(s.ppid) ?? []; a.push(Number(d)); kids.set(s.ppid, a); }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]) ?? []));
  return out;
}
// CPU ticks of the tree: live processes' own time plus what the root has reaped.
function treeCpu(root: number): number {
  const r = stat(root);
  if (!r) return NaN;
  return tree(root).reduce((a, p) => a + (stat(p)?.cpu ?? 0), 0) + r.ccpu;
}
const treeRss = (root: number) => tree(root).reduce((a, p) => a + rssKb(p), 0);

// ---- setup -------------------------------------------------------------------
const base = mkdtempSync(join(tmpdir(), 'ldts-idle-'));
const seed = join(base, 'seed');
mkdirSync(seed);
const env = { ...process.env, FAKE_IPVSADM_DIR: seed };
execFileSync(FAKE, ['-A', '-t', VIP, '-s', 'wrr'], { env });
execFileSync(FAKE, ['-R'], { env, input: Array.from({ length: N }, (_, i) => `-a -t ${VIP} -r ${host(i)}:${PORT} -m -w 1\n`).join('') });
const listings = {
  save: execFileSync(FAKE, ['-S', '-n'], { env }),
  list: execFileSync(FAKE, ['-L', '-n'], { env }),
  thr: execFileSync(FAKE, ['-L', '-n', '--thresholds'], { env }),
};
function standIn(dir: string): void {
  mkdirSync(dir);
  writeFileSync(join(dir, 'save.txt'), listings.save);
  writeFileSync(join(dir, 'list.txt'), listings.list);
  writeFileSync(join(dir, 'thr.txt'), listings.thr);
  writeFileSync(join(dir, 'ipvsadm'), `#!/bin/sh
d=$(dirname "$0")
case " $* " in
  *" -S "*) exec cat "$d/save.txt" ;;
  *" --thresholds "*) exec cat "$d/thr.txt" ;;
  *" -L "*|*" -l "*) exec cat "$d/list.txt" ;;
  *" -R "*) cat > /dev/null; echo "-R" >> "$d/calls.log" ;;
  *) echo "$*" >> "$d/calls.log" ;;
esac
exit 0
`, { mode: 0o755 });
}
const cfg = join(base, 'idle.cf');
writeFileSync(cfg, `checkinterval=10\nchecktimeout=5\nfork=no\nlogfile="/dev/null"\nvirtual=${VIP}\n` +
  Array.from({ length: N }, (_, i) => `\treal=${host(i)}:${PORT} masq 1\n`).join('') + '\tchecktype=connect\n');

// ---- listeners ---------------------------------------------------------------
let accepts = 0;
const servers: net.Server[] = [];
for (let i = 0; i < N; i++) {
  const s = net.createServer((c) => { accepts++; c.on('error', () => {}); c.end(); });
  await new Promise<void>((res, rej) => { s.once('error', rej); s.listen({ host: host(i), port: PORT, backlog: 511 }, () => res()); });
  servers.push(s);
}

// ---- daemons -----------------------------------------------------------------
interface D { name: string; dir: string; proc: ChildProcess; checks: number; exited: boolean }
function start(name: string, bin: string, dir: string, countChecks: boolean): D {
  standIn(dir);
  const proc = spawn(bin, ['-d', cfg, 'start'], { cwd: dir, env: { ...process.env }, stdio: ['ignore', 'ignore', countChecks ? 'pipe' : 'ignore'], detached: true });
  const d: D = { name, dir, proc, checks: 0, exited: false };
  if (countChecks) {
    let rest = '';
    proc.stderr!.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n'); rest = lines.pop()!;
      for (const l of lines) if (l.startsWith('DEBUG2: Checking connect')) d.checks++;
    });
  }
  proc.on('exit', () => { d.exited = true; });
  return d;
}
const daemons = [start('ours', OURS, join(base, 'ours'), false), start('ldirectord fork=no', LDIRECTORD, join(base, 'ld'), true)];
const calls = (d: D) => (existsSync(join(d.dir, 'calls.log')) ? readFileSync(join(d.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean).length : 0);

console.log(`idle: ${N} reals, checktype=connect, checkinterval=10, fork=no; warm-up ${WARMUP_S} s after ldirectord's first check, window ${WINDOW_S} s`);
const t0 = Date.now();
while (daemons[1].checks === 0 && !daemons[1].exited && Date.now() - t0 < 300_000) await sleep(200);
console.log(`ldirectord's first check after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
await sleep(WARMUP_S * 1000);

const before = daemons.map((d) => ({ cpu: treeCpu(d.proc.pid!), calls: calls(d), checks: d.checks }));
const acc0 = accepts;
const rss: number[][] = daemons.map(() => []);
const tw = Date.now();
while (Date.now() - tw < WINDOW_S * 1000) {
  daemons.forEach((d, i) => rss[i].push(treeRss(d.proc.pid!)));
  await sleep(1000);
}
const secs = (Date.now() - tw) / 1000;
const after = daemons.map((d) => ({ cpu: treeCpu(d.proc.pid!), calls: calls(d), checks: d.checks }));
const accWindow = accepts - acc0;

console.log('\n| daemon | CPU s in window | CPU % of one core | RSS mean (MiB) | RSS max (MiB) | ipvsadm writes in window | checks in window |');
console.log('| --- | --: | --: | --: | --: | --: | --: |');
const ldChecks = after[1].checks - before[1].checks;
daemons.forEach((d, i) => {
  const cpu = (after[i].cpu - before[i].cpu) / TICK;
  const mean = rss[i].reduce((a, b) => a + b, 0) / rss[i].length / 1024;
  const max = Math.max(...rss[i]) / 1024;
  const checks = i === 1 ? String(ldChecks) : `~${accWindow - ldChecks} (accepts minus ldirectord's)`;
  console.log(`| ${d.name}${d.exited ? ' (EXITED)' : ''} | ${cpu.toFixed(2)} | ${(100 * cpu / secs).toFixed(2)} | ${mean.toFixed(1)} | ${max.toFixed(1)} | ${after[i].calls - before[i].calls} | ${checks} |`);
});
console.log(`\nwindow ${secs.toFixed(1)} s, listener accepts in window ${accWindow}, load average ${readFileSync('/proc/loadavg', 'utf8').trim()}`);

for (const d of daemons) { try { process.kill(-d.proc.pid!, 'SIGTERM'); } catch { /* gone */ } }
await sleep(2000);
for (const d of daemons) { if (!d.exited) { try { process.kill(-d.proc.pid!, 'SIGKILL'); } catch { /* gone */ } } }
for (const s of servers) s.close();
rmSync(base, { recursive: true, force: true });
process.exit(0);

// Scale bench of the checker pool (principle 7: 20,000 reals must not need a
// bigger machine). Prints numbers, asserts nothing.
//
//   npx tsc && node dist/bench/scale.js [sizes=1000,10000,20000] [seconds-per-run=30] [kinds=on,connect,http] [nopin]
//
// The real servers live in a CHILD process (a raw TCP responder on many
// 127.1.x.y addresses, answering any request with a fixed HTTP 200), so this
// process is only the checker and its CPU/RSS numbers are the checker's. Each
// run checks N reals with the production checks (src/checks/registry.ts:
// connectCheck, and negotiateCheck('http')), interval 5 s, for ~3 intervals,
// plus checktype=on (no I/O: the pool's own overhead). Lateness is reported
// for the start-up burst (first interval) and for steady state separately.
//
// File descriptors: every in-flight check holds one socket. The pool's
// concurrency cap is set below the soft `ulimit -n` (minus headroom), so a
// burst queues instead of failing with EMFILE. If your soft limit is 1024, the
// cap becomes ~768 and the 20,000-real runs are bounded by it; raise it with
// `ulimit -n 65536` (hard limit permitting) before running.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import type { RealServer, VirtualService } from '../src/config/model.js';
import type { CheckResult } from '../src/checks/result.js';
import { CheckScheduler } from '../src/scheduler/scheduler.js';
import { defaultCheckFactory } from '../src/scheduler/factory.js';
import type { CheckJob } from '../src/scheduler/plan.js';
import { pinToCore0, responderAddress, startResponders } from './responders.js';

const INTERVAL_MS = 5000;
const PORT = 18080;
const ADDRESSES = 200; // distinct 127.1.x.y listeners; reals are spread over them
const HEADROOM_FDS = 256;

function addressOf(i: number): string {
  return responderAddress(i % ADDRESSES);
}

// Minimal resolved records: only the fields the connect and http checks read.
type Kind = 'on' | 'connect' | 'http';

function jobs(n: number, kind: Kind): CheckJob[] {
  const virtual = {
    af: 4, protocol: 'tcp', ip: '127.0.0.1', port: 80, addr: '127.0.0.1:80', id: 'tcp:127.0.0.1:80',
    checktype: kind === 'http' ? 'negotiate' : kind, service: 'http', httpmethod: 'GET', tlsVerify: false,
    checktimeout: 5, negotiatetimeout: 5, checkcount: 1, checkinterval: INTERVAL_MS / 1000, receive: '', request: '/',
  } as unknown as VirtualService;
  return Array.from({ length: n }, (_, i) => {
    const ip = addressOf(i);
    const real = {
      ip, port: PORT, addr: `${ip}:${PORT}`, checkPort: PORT, url: `http://${ip}:${PORT}/`, request: '/', receive: '',
      weight: 1, forward: 'masq', checkId: `${kind}:${i}`,
    } as unknown as RealServer;
    return {
      checkId: real.checkId, kind: kind === 'http' ? 'negotiate' : kind, service: 'http',
      targets: [{ virtual, real }], intervalMs: INTERVAL_MS, deadlineMs: 5000,
    } satisfies CheckJob;
  });
}

function softFdLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

async function run(n: number, kind: Kind, seconds: number, maxConcurrent: number): Promise<void> {
  let falseDown = 0;
  let inconclusive = 0;
  const firstDown: string[] = [];
  const onResult = (_id: string, r: CheckResult): void => {
    if (r.ok) return;
    if (r.code === 'INCONCLUSIVE') inconclusive++;
    else {
      falseDown++;
      if (firstDown.length < 3) firstDown.push(`${r.code} ${r.message}`);
    }
  };
  // Lateness by window: the start-up burst (first interval: every real's first
  // run is within startSpreadMs, then its steady phase run follows, so this
  // interval carries twice the load), everything after it, and the last
  // interval alone (what the pool sustains once the burst has drained).
  const burst: number[] = [];
  const steady: number[] = [];
  const tail: number[] = [];
  const tailFrom = Math.max(INTERVAL_MS, seconds * 1000 - INTERVAL_MS);
  let t0 = 0;
  const onStart = (_id: string, lateMs: number): void => {
    const t = performance.now() - t0;
    (t < INTERVAL_MS ? burst : steady).push(lateMs);
    if (t >= tailFrom) tail.push(lateMs);
  };
  const sched = new CheckScheduler({ factory: defaultCheckFactory(), onResult, onStart, maxConcurrent });
  let rss = 0;
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 250);
  const cpu0 = process.cpuUsage();
  t0 = performance.now();
  sched.update(jobs(n, kind));
  await new Promise((r) => setTimeout(r, tailFrom));
  const tailStart = { at: performance.now(), completed: sched.stats().completed, cpu: process.cpuUsage() };
  await new Promise((r) => setTimeout(r, seconds * 1000 - tailFrom));
  const stats = sched.stats();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const tailWall = performance.now() - tailStart.at;
  const tailCpu = process.cpuUsage(tailStart.cpu);
  await sched.stop();
  clearInterval(sampler);
  const row = {
    reals: n,
    check: kind,
    'checks/s': Math.round(stats.completed / (wall / 1000)),
    'checks/s last interval': Math.round((stats.completed - tailStart.completed) / (tailWall / 1000)),
    'expected/s': Math.round(n / (INTERVAL_MS / 1000)),
    'late p50/p99/max ms burst': pct(burst),
    'late p50/p99/max ms steady': pct(steady),
    'late p50/p99/max ms last interval': pct(tail),
    'skipped': stats.skipped,
    'max inflight': stats.maxInFlight,
    'cpu %': Math.round(((cpu.user + cpu.system) / 1000 / wall) * 100),
    'cpu % last interval': Math.round(((tailCpu.user + tailCpu.system) / 1000 / tailWall) * 100),
    'rss MB': Math.round(rss / 2 ** 20),
    'loop p99/max ms': `${stats.loop.p99Ms}/${stats.loop.maxMs}`,
    'false down': falseDown,
    load: loadavg()[0]!.toFixed(1),
    inconclusive,
  };
  console.table([row]);
  if (firstDown.length) console.log('  first false downs:', firstDown);
}

function pct(xs: number[]): string {
  if (xs.length === 0) return '-';
  xs.sort((a, b) => a - b);
  const at = (q: number): number => Math.round(xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]!);
  return `${at(0.5)}/${at(0.99)}/${Math.round(xs[xs.length - 1]!)}`;
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '1000,10000,20000').split(',').map(Number);
  const seconds = Number(process.argv[3] ?? 30);
  const kinds = (process.argv[4] ?? 'on,connect,http').split(',') as Kind[];
  const fds = softFdLimit();
  const maxConcurrent = Math.max(16, Math.min(4096, fds - HEADROOM_FDS));
  const pinned = process.argv[5] !== 'nopin' && pinToCore0();
  console.log(`node ${process.version}, cpus ${cpus().length}, checker ${pinned ? 'pinned to CPU 0 (servers on CPU 1)' : 'not pinned'}, load ${loadavg().map((x) => x.toFixed(1)).join(' ')}, ulimit -n ${fds}, concurrency cap ${maxConcurrent}, interval ${INTERVAL_MS} ms, ${seconds} s per run`);
  const child = await startResponders(ADDRESSES, PORT, pinned);
  try {
    for (const n of sizes) for (const kind of kinds) {
      await run(n, kind, seconds, maxConcurrent);
      await new Promise((r) => setTimeout(r, 1000)); // let TIME_WAIT churn and GC settle between runs
    }
  } finally {
    child.kill();
  }
}

await main();

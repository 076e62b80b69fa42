// Detection time of one dead real server next to K hung ones, ours vs the real
// ldirectord 4.12 (fork=no and fork=yes), measured side by side. Prints numbers,
// asserts nothing.
//
//   npx tsc && node dist/bench/detect.js [K=0,10,100] [cap-seconds=120] [layout=same|split] [ready-cap-s=900]
//
// Setup per K (all loopback): one healthy HTTP real (127.3.0.1:18401, answers 200 "ok")
// and K hung reals (127.3.1.1.. :18402: accept, read, never answer), all served by this
// process. Config: checktype=negotiate, service=http, checkinterval=2,
// negotiatetimeout=3; layout `same` puts the healthy real first and the K hung ones in
// the same virtual (127.0.0.201:80); `split` puts the hung ones in a second virtual
// (127.0.0.202:80), which is where fork=yes helps.
// The three daemons run at the same time, each with `-d CFG start` in its own dir with
// ./ipvsadm -> test/fixtures/ipvsadm (FAKE_IPVSADM_DIR = that dir). Once the healthy
// real is in all three tables (for ldirectord: after its start-up Added/Deleted pass,
// compat B.1), it is killed (listener closed, connections reset) and each table.json is
// polled every 50 ms until the real is gone, or the cap is reached.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FAKE = join(ROOT, 'test/fixtures/ipvsadm');
const OURS = process.env.OURS ?? join(ROOT, 'bin/ldirectord');
const LDIRECTORD = process.env.LDIRECTORD ?? '/usr/sbin/ldirectord';

const KS = (process.argv[2] ?? '0,10,100').split(',').map(Number);
const CAP_S = Number(process.argv[3] ?? 120);
const LAYOUT = process.argv[4] ?? 'same';
// ldirectord's start-up pass (Added+Deleted per real, three fake ipvsadm runs each, B.1/B.6)
// takes minutes with K=100 on the node fake: wait that long for the healthy real first.
const READY_CAP_S = Number(process.argv[5] ?? 900);
const HEALTHY = { host: '127.3.0.1', port: 18401 };
const HUNG_PORT = 18402;
const hungHost = (i: number) => `127.3.${1 + Math.floor(i / 250)}.${(i % 250) + 1}`;

// ---- servers ---------------------------------------------------------------
function listen(host: string, port: number, onConn: (s: net.Socket) => void, sockets: Set<net.Socket>): Promise<net.Server> {
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConn(s);
  });
  return new Promise((res, rej) => { srv.once('error', rej); srv.listen({ host, port, backlog: 1024 }, () => res(srv)); });
}
const OK = 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n';
const healthyConn = (s: net.Socket) => {
  let b = '';
  s.on('data', (d) => { b += d.toString('latin1'); if (b.includes('\r\n\r\n')) s.end(OK); });
};
const hungConn = (s: net.Socket) => { s.on('data', () => {}); };

// ---- daemons ---------------------------------------------------------------
interface Runner {
  name: string; dir: string; proc: ChildProcess; checked: boolean; spawnedChildren: number; exited: boolean;
}
function startDaemon(name: string, bin: string, dir: string, cfg: string): Runner {
  mkdirSync(dir, { recursive: true });
  symlinkSync(FAKE, join(dir, 'ipvsadm'));
  const proc = spawn(bin, ['-d', cfg, 'start'], {
    cwd: dir, env: { ...process.env, FAKE_IPVSADM_DIR: dir }, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  const r: Runner = { name, dir, proc, checked: name === 'ours', spawnedChildren: 0, exited: false };
  let rest = '';
  proc.stderr!.on('data', (d: Buffer) => {
    rest += d.toString();
    const lines = rest.split('\n');
    rest = lines.pop()!;
    for (const l of lines) {
      if (l.startsWith('DEBUG2: Checking ')) r.checked = true;
      if (l.startsWith('Spawned child')) r.spawnedChildren++;
    }
  });
  proc.on('exit', () => { r.exited = true; });
  return r;
}
async function stopDaemon(r: Runner): Promise<void> {
  if (r.exited || r.proc.pid === undefined) return;
  try { process.kill(-r.proc.pid, 'SIGTERM'); } catch { /* gone */ }
  for (let i = 0; i < 100 && !r.exited; i++) await sleep(50);
  if (!r.exited) { try { process.kill(-r.proc.pid, 'SIGKILL'); } catch { /* gone */ } }
}
function hasHealthy(dir: string): boolean {
  try {
    const t = JSON.parse(readFileSync(join(dir, 'table.json'), 'utf8')) as { services: { dests: { addr: string; port: number; weight: number }[] }[] };
    return t.services.some((s) => s.dests.some((d) => d.addr === HEALTHY.host && d.port === HEALTHY.port && d.weight > 0));
  } catch { return false; }
}

function config(k: number, fork: 'yes' | 'no'): string {
  const head = `checkinterval=2\nnegotiatetimeout=3\nfork=${fork}\nlogfile="/dev/null"\n`;
  const check = '\tchecktype=negotiate\n\tservice=http\n\trequest="/"\n\treceive="ok"\n';
  const hung = Array.from({ length: k }, (_, i) => `\treal=${hungHost(i)}:${HUNG_PORT} masq 1\n`).join('');
  const healthy = `\treal=${HEALTHY.host}:${HEALTHY.port} masq 1\n`;
  if (LAYOUT === 'split') {
    return head + `virtual=127.0.0.201:80\n${healthy}${check}` + (k ? `virtual=127.0.0.202:80\n${hung}${check}` : '');
  }
  return head + `virtual=127.0.0.201:80\n${healthy}${hung}${check}`;
}

type Result = { k: number; name: string; ms: number | null; note: string };

async function runK(k: number): Promise<Result[]> {
  const base = mkdtempSync(join(tmpdir(), `ldts-detect-${k}-`));
  const hungSockets = new Set<net.Socket>();
  const healthySockets = new Set<net.Socket>();
  const hungServers: net.Server[] = [];
  for (let i = 0; i < k; i++) hungServers.push(await listen(hungHost(i), HUNG_PORT, hungConn, hungSockets));
  let healthy: net.Server | null = await listen(HEALTHY.host, HEALTHY.port, healthyConn, healthySockets);
  const cfgNo = join(base, 'fork-no.cf'); writeFileSync(cfgNo, config(k, 'no'));
  const cfgYes = join(base, 'fork-yes.cf'); writeFileSync(cfgYes, config(k, 'yes'));
  const runners = [
    startDaemon('ours', OURS, join(base, 'ours'), cfgNo),
    startDaemon('ldirectord fork=no', LDIRECTORD, join(base, 'ld-fork-no'), cfgNo),
    startDaemon('ldirectord fork=yes', LDIRECTORD, join(base, 'ld-fork-yes'), cfgYes),
  ];
  const results: Result[] = [];
  try {
    // ready: healthy real in every table (ldirectord: after its first check began)
    const t0 = Date.now();
    const ready = () => runners.every((r) => r.checked && hasHealthy(r.dir));
    while (!ready() && Date.now() - t0 < READY_CAP_S * 1000) await sleep(50);
    console.log(`K=${k}: all ready after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const notReady = runners.filter((r) => !(r.checked && hasHealthy(r.dir))).map((r) => r.name);
    await sleep(1000);
    // kill the healthy real: close the listener, reset every open connection
    const tKill = Date.now();
    for (const s of healthySockets) s.resetAndDestroy();
    await new Promise<void>((r) => healthy!.close(() => r()));
    healthy = null;
    const done = new Map<string, number>();
    while (done.size < runners.length && Date.now() - tKill < CAP_S * 1000) {
      for (const r of runners) if (!done.has(r.name) && !hasHealthy(r.dir)) done.set(r.name, Date.now() - tKill);
      await sleep(50);
    }
    for (const r of runners) {
      if (notReady.includes(r.name)) { results.push({ k, name: r.name, ms: null, note: `not ready after ${READY_CAP_S} s` }); continue; }
      const note =
        r.name.endsWith('fork=yes') ? `children spawned at kill+end: ${r.spawnedChildren}` : '';
      results.push({ k, name: r.name, ms: done.get(r.name) ?? null, note });
    }
  } finally {
    await Promise.all(runners.map(stopDaemon));
    for (const s of [...hungSockets, ...healthySockets]) s.destroy();
    await Promise.all(hungServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (healthy) await new Promise<void>((r) => healthy!.close(() => r()));
    rmSync(base, { recursive: true, force: true });
  }
  return results;
}

const fmt = (ms: number | null) => (ms === null ? `> ${CAP_S} (cap)` : (ms / 1000).toFixed(2));
console.log(`detection time of one dead real next to K hung reals (http negotiate, checkinterval=2, negotiatetimeout=3, layout=${LAYOUT}, cap ${CAP_S} s)`);
console.log(`ours: ${OURS}\nldirectord: ${LDIRECTORD}\n`);
const all: Result[] = [];
for (const k of KS) {
  const r = await runK(k);
  all.push(...r);
  for (const x of r) console.log(`K=${k} ${x.name}: ${fmt(x.ms)} s ${x.note}`);
}
console.log('\n|   K | ours (s) | ldirectord fork=no (s) | ratio | ldirectord fork=yes (s) | ratio |');
console.log('| --: | -------: | ---------------------: | ----: | ----------------------: | ----: |');
for (const k of KS) {
  const get = (n: string) => all.find((x) => x.k === k && x.name === n)!;
  const o = get('ours'); const no = get('ldirectord fork=no'); const yes = get('ldirectord fork=yes');
  const ratio = (l: Result) => (o.ms === null ? '?' : l.ms === null ? `> ${(CAP_S * 1000 / o.ms).toFixed(0)}` : (l.ms / o.ms).toFixed(1));
  console.log(`| ${String(k).padStart(3)} | ${fmt(o.ms).padStart(8)} | ${fmt(no.ms).padStart(22)} | ${ratio(no).padStart(5)} | ${fmt(yes.ms).padStart(23)} | ${ratio(yes).padStart(5)} |`);
}

// CPU per HTTP health check by engine, side by side (why http-exchange.ts
// drives undici's parser itself). Prints numbers, asserts nothing.
//
//   npx tsc -p . && node dist/bench/http-engine.js [concurrency=100] [seconds=6] [rounds=2]
//
// Servers: a child process (pinned to CPU 1 when taskset and 2+ CPUs exist,
// this process to CPU 0) answering every connection with one fixed 200 and a
// close, on 50 addresses 127.1.0.x (responders.ts). Each engine runs `concurrency` loops of
// one request per fresh connection for `seconds`, after a 2 s warm-up; the
// engines alternate for `rounds` rounds so drift in machine load hits all.
//   socket       net.connect + write + read to EOF, no parsing: the floor
//   ours         the production httpCheck (llhttp via http-parser.ts, own socket)
//   undici-fresh a new undici Client per check (this project's first design)
//   undici-reuse one undici Client per real, `reset: true` (fresh connection per request)
import net from 'node:net';
import { Client, type Dispatcher } from 'undici';
import { httpCheck } from '../src/checks/http.js';
import type { CheckTarget } from '../src/checks/types.js';
import { pinToCore0, responderAddress, startResponders } from './responders.js';

const PORT = 18090;
const HOSTS = 50;
const REQUEST = 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

type Engine = (host: string) => Promise<void>;

const socketOnly: Engine = (host) =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host, port: PORT });
    s.once('connect', () => s.write(REQUEST));
    s.on('data', () => {});
    s.once('end', () => (s.destroy(), resolve()));
    s.once('error', reject);
  });

const targets = new Map<string, CheckTarget>();
const ours: Engine = async (host) => {
  let t = targets.get(host);
  if (!t) {
    const virtual = { service: 'http', httpmethod: 'GET', tlsVerify: false, negotiatetimeout: 5, receive: '' };
    const real = { ip: host, port: PORT, checkPort: PORT, url: `http://${host}:${PORT}/`, receive: '' };
    targets.set(host, (t = { virtual, real } as unknown as CheckTarget));
  }
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 5000);
  const r = await httpCheck(t, ac.signal);
  clearTimeout(timer);
  if (!r.ok) throw new Error(r.message);
};

function dispatch(client: Client, destroyAfter: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart() {},
      onResponseStart() {},
      onResponseData() {},
      onResponseEnd() {
        if (destroyAfter) client.destroy().catch(() => {});
        resolve();
      },
      onResponseError(_c, err) {
        if (destroyAfter) client.destroy().catch(() => {});
        reject(err);
      },
    };
    client.dispatch({ path: '/', method: 'GET', headers: { host: 'x' }, reset: true }, handler);
  });
}

const undiciFresh: Engine = (host) => dispatch(new Client(`http://${host}:${PORT}`, { pipelining: 1 }), true);

const clients = new Map<string, Client>();
const undiciReuse: Engine = (host) => {
  let c = clients.get(host);
  if (!c) clients.set(host, (c = new Client(`http://${host}:${PORT}`, { pipelining: 1 })));
  return dispatch(c, false);
};

const ENGINES: Record<string, Engine> = { socket: socketOnly, ours, 'undici-fresh': undiciFresh, 'undici-reuse': undiciReuse };

async function drive(engine: Engine, concurrency: number, ms: number): Promise<{ done: number; failed: number }> {
  let done = 0;
  let failed = 0;
  let stop = false;
  const loop = async (i: number): Promise<void> => {
    while (!stop) {
      try {
        await engine(responderAddress(i % HOSTS));
        done++;
      } catch {
        failed++;
      }
    }
  };
  const loops = Array.from({ length: concurrency }, (_, i) => loop(i));
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(loops);
  return { done, failed };
}

async function main(): Promise<void> {
  const concurrency = Number(process.argv[2] ?? 100);
  const seconds = Number(process.argv[3] ?? 6);
  const rounds = Number(process.argv[4] ?? 2);
  const pinned = pinToCore0();
  console.log(`node ${process.version}, ${pinned ? 'pinned to CPU 0 (servers on CPU 1)' : 'not pinned'}, concurrency ${concurrency}, ${seconds} s x ${rounds} rounds per engine`);
  const child = await startResponders(HOSTS, PORT, pinned);
  const totals = new Map<string, { done: number; failed: number; cpuUs: number; ms: number }>();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [name, engine] of Object.entries(ENGINES)) {
        await drive(engine, concurrency, 2000); // warm-up (JIT, wasm, TIME_WAIT churn)
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        const r = await drive(engine, concurrency, seconds * 1000);
        const cpu = process.cpuUsage(cpu0);
        const t = totals.get(name) ?? { done: 0, failed: 0, cpuUs: 0, ms: 0 };
        t.done += r.done;
        t.failed += r.failed;
        t.cpuUs += cpu.user + cpu.system;
        t.ms += performance.now() - t0;
        totals.set(name, t);
      }
    }
  } finally {
    child.kill();
    for (const c of clients.values()) await c.destroy().catch(() => {});
  }
  const floor = totals.get('socket')!;
  const perCheck = (t: { done: number; cpuUs: number }): number => t.cpuUs / Math.max(1, t.done);
  console.table(
    [...totals].map(([engine, t]) => ({
      engine,
      'checks/s': Math.round(t.done / (t.ms / 1000)),
      'cpu us/check': Math.round(perCheck(t)),
      'x socket floor': (perCheck(t) / perCheck(floor)).toFixed(2),
      'checks/s per core': Math.round(1e6 / perCheck(t)),
      failed: t.failed,
    })),
  );
}

await main();

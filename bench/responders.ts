// The real servers of the checker benches: one child process answering every
// connection on `count` addresses 127.1.x.y with a fixed HTTP 200 and a close,
// and the CPU pinning that makes "one core" literal. Loopback only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';

const SERVER_SRC = `
import net from 'node:net';
const [count, port] = process.argv.slice(1).map(Number);
const resp = Buffer.from('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\nConnection: close\\r\\n\\r\\nOK');
let ready = 0;
for (let i = 0; i < count; i++) {
  const s = net.createServer((c) => { c.on('error', () => {}); c.once('data', () => c.end(resp)); });
  s.listen({ host: '127.1.' + Math.floor(i / 250) + '.' + (i % 250 + 1), port, backlog: 4096 }, () => {
    if (++ready === count) console.log('ready');
  });
}
`;

/** The i-th responder address (i < count), as the child numbers them. */
export function responderAddress(i: number): string {
  return `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
}

/**
 * Pin every thread of this process (main, GC helpers, libuv pool) to CPU 0,
 * when there are 2+ CPUs and taskset(1) exists; the responders then go to
 * CPU 1, so the process measured cannot borrow a second core.
 */
export function pinToCore0(): boolean {
  try {
    if (cpus().length < 2) return false;
    execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Start the responder child (on CPU 1 when `pinned`); resolves once every address listens. */
export function startResponders(count: number, port: number, pinned: boolean): Promise<ChildProcess> {
  const args = ['--input-type=module', '-e', SERVER_SRC, String(count), String(port)];
  const child = pinned
    ? spawn('taskset', ['-c', '1', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve(child));
    child.on('exit', (code) => reject(new Error(`responder child exited ${code}`)));
  });
}

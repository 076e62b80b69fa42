// Run the real daemon (`bin/ldirectord -d CFG start`) in a temp cwd whose
// ./ipvsadm is the fake ipvsadm program, capture its stderr log lines, and look
// at the fake's table and calls.log. Plus a loopback HTTP real server whose
// health can be flipped (up / failing / hung / closed) on the same port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin', 'ldirectord');
export const FAKE_IPVSADM = join(ROOT, 'test', 'fixtures', 'ipvsadm');

/** One invocation of the fake ipvsadm, as calls.log records it. */
export interface IpvsCall {
  readonly time: string;
  readonly pid: number;
  readonly argv: string[];
  readonly stdin?: string;
  readonly exit: number | null;
  readonly stderr: string;
  readonly hang?: number;
}

/** A real as the fake's table holds it. */
export interface TableDest {
  readonly addr: string;
  readonly port: number;
  readonly fwd: string;
  readonly weight: number;
}

/** A virtual as the fake's table holds it. */
export interface TableService {
  readonly proto: string;
  readonly addr: string;
  readonly port: number;
  readonly fwmark: number;
  readonly dests: TableDest[];
}

/** A running daemon in its own directory. */
export class DaemonRun {
  readonly dir: string;
  readonly cfg: string;
  readonly child: ChildProcess;
  /** Log messages (stderr lines without the `DEBUG2: ` copies and debug output). */
  readonly lines: string[] = [];
  /** Every stderr line as written. */
  readonly raw: string[] = [];
  /** stdout lines. */
  readonly out: string[] = [];
  /** Arrival time (Date.now()) of each entry of `lines`. */
  readonly times: number[] = [];
  readonly exited: Promise<number | null>;
  #exitCode: number | null | undefined;

  constructor(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
    this.dir = dir;
    this.cfg = join(dir, 'ld.cf');
    this.child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      // LDIRECTORD_RUNDIR: the pid file and control socket stay in the test's directory.
      env: { ...process.env, FAKE_IPVSADM_DIR: dir, LDIRECTORD_RUNDIR: dir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    splitLines(this.child.stderr!, (line) => {
      this.raw.push(line);
      if (line.startsWith('DEBUG')) return;
      this.lines.push(line);
      this.times.push(Date.now());
    });
    splitLines(this.child.stdout!, (line) => this.out.push(line));
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        this.#exitCode = code;
        resolve(code);
      }),
    );
  }

  /** Wait until a log line matches (from index `from` on); returns its index. Fails with the log on timeout. */
  async waitFor(match: string | RegExp, ms: number, from = 0): Promise<number> {
    const until = Date.now() + ms;
    for (;;) {
      for (let i = from; i < this.lines.length; i++) if (matches(this.lines[i]!, match)) return i;
      if (Date.now() > until) throw new Error(`no log line ${String(match)} within ${ms} ms; log:\n${this.lines.join('\n')}`);
      if (this.#exitCode !== undefined) throw new Error(`daemon exited (${this.#exitCode}) before ${String(match)}; log:\n${this.raw.join('\n')}`);
      await sleep(25);
    }
  }

  /** Lines from index `from` on that match. */
  grep(match: string | RegExp, from = 0): string[] {
    return this.lines.slice(from).filter((l) => matches(l, match));
  }

  /** Wait for the start-up: the first table pass has run. */
  async started(ms = 15_000): Promise<void> {
    await this.waitFor(/^Starting Linux Director/, ms);
    await waitUntil(() => this.calls().some((c) => c.argv[0] === '-R' || c.argv.join(' ') === '-S -n'), ms, 'first ipvsadm call');
  }

  /** The fake's table (table.json; written by rename, never half-written). */
  table(): TableService[] {
    return readTable(this.dir);
  }

  /** The reals of one virtual (`addr:port`), as `ip:port -> weight` ('fwd' too when asked). */
  reals(virtual: string, withFwd = false): Record<string, number | string> {
    const svc = this.table().find((s) => `${s.addr}:${s.port}` === virtual);
    if (!svc) return {};
    return Object.fromEntries(svc.dests.map((d) => [`${d.addr}:${d.port}`, withFwd ? `${d.fwd} ${d.weight}` : d.weight]));
  }

  /** Whether the virtual exists in the table. */
  hasVirtual(virtual: string): boolean {
    return this.table().some((s) => `${s.addr}:${s.port}` === virtual);
  }

  /** calls.log, parsed. */
  calls(): IpvsCall[] {
    return readCalls(this.dir);
  }

  /**
   * Wait for a complete table read (-S -n and -L -n --thresholds) that started after this
   * call: the batch whose effect a test just saw in table.json has then been verified, so a
   * hand change made afterwards is drift, not a race with that batch's verify read.
   * (A -R writes table.json before its calls.log line, so "the last -R" is not a safe marker.)
   */
  async verified(ms = 15_000): Promise<void> {
    const since = new Date().toISOString();
    await waitUntil(() => {
      const after = this.calls().filter((c) => c.time >= since && c.exit !== null);
      const done = (argv: string): boolean => after.some((c) => c.argv.join(' ') === argv);
      return done('-S -n') && done('-L -n --thresholds');
    }, ms, 'a table read after now');
  }

  /** Run the fake ipvsadm by hand (a hand change behind the daemon's back). */
  ipvsadm(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    return runIpvsadm(this.dir, args);
  }

  /** Rewrite control.json (injected failures and hangs). */
  control(value: object): void {
    writeControl(this.dir, value);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.#exitCode === undefined) this.child.kill(sig);
  }

  /** TERM and wait for the exit; KILL after ms. */
  async stop(ms = 15_000): Promise<number | null> {
    this.signal('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), ms);
    const code = await this.exited;
    clearTimeout(t);
    return code;
  }

  /** Kill (if still running) and remove the directory. */
  async dispose(): Promise<void> {
    if (this.#exitCode === undefined) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fresh directory with ./ipvsadm -> the fake and an optional initial table. */
export function daemonDir(prefix: string, table?: { services: unknown[] }): string {
  const dir = mkdtempSync(join(tmpdir(), `ldts-${prefix}-`));
  symlinkSync(FAKE_IPVSADM, join(dir, 'ipvsadm'));
  if (table) writeFileSync(join(dir, 'table.json'), JSON.stringify(table));
  return dir;
}

/** What a test started and disposeAll() ends: daemons, servers. */
const live = new Set<{ dispose(): Promise<void> } | { close(): Promise<void> }>();

/** Register something for disposeAll() to end after the test; returns it. */
export function track<T extends { dispose(): Promise<void> } | { close(): Promise<void> }>(thing: T): T {
  live.add(thing);
  return thing;
}

/** End every daemon and server started since the last call: `afterEach(disposeAll)`. */
export async function disposeAll(): Promise<void> {
  const all = [...live];
  live.clear();
  for (const t of all) if ('dispose' in t) await t.dispose();
  await Promise.all(all.map((t) => ('close' in t ? t.close() : undefined)));
}

/** Write ld.cf (lines joined) and start `ldirectord -d ld.cf start` there (tracked). */
export function runDaemon(dir: string, config: string, opts: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): DaemonRun {
  writeFileSync(join(dir, 'ld.cf'), config);
  return track(new DaemonRun(dir, opts.args ?? ['-d', 'ld.cf', 'start'], opts.env));
}

/** A table.json service entry for seeding the fake's table. */
export function service(addr: string, port: number, dests: { addr: string; port: number; weight?: number; fwd?: string }[] = []): object {
  return {
    proto: 'tcp', af: 4, addr, port, fwmark: 0, sched: 'wrr', persistent: 0, netmask: 0, ops: false, flags: 0,
    dests: dests.map((d) => ({ addr: d.addr, af: 4, port: d.port, fwd: d.fwd ?? 'masq', weight: d.weight ?? 1, u: 0, l: 0 })),
  };
}

/** Write the fake's control.json (re-read by every invocation). */
export function writeControl(dir: string, value: object): void {
  writeFileSync(join(dir, 'control.json'), JSON.stringify(value));
}

export function readTable(dir: string): TableService[] {
  const file = join(dir, 'table.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { services: TableService[] }).services;
}

export function readCalls(dir: string): IpvsCall[] {
  const file = join(dir, 'calls.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IpvsCall);
}

export function runIpvsadm(dir: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(join(dir, 'ipvsadm'), args, { env: { ...process.env, FAKE_IPVSADM_DIR: dir }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Poll until cond() holds; throws `what` after ms. */
export async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(25);
  }
}

/** A fixture script that appends its argv (one line per run) to `out`. */
export function argvRecorder(dir: string, name: string, out: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\necho "$@" >> '${out}'\n`, { mode: 0o755 });
  return file;
}

/** What a FlipServer does with a request. */
export type Health = 'up' | 'fail' | 'hang';

/**
 * An HTTP real server on host:port (port 0 = ephemeral) that answers 200 "OK" when
 * up, 503 when failing, nothing when hung; `close()` then `listen()` stops and
 * restarts it on the same port (connection refused in between).
 */
export class FlipServer {
  health: Health = 'up';
  requests = 0;
  /** ISO time of the first 200 answer (the first passing check), '' before it. */
  firstOkAt = '';
  port = 0;
  readonly host: string;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(host: string) {
    this.host = host;
  }

  /** Start listening (tracked for disposeAll). */
  static async start(host: string, health: Health = 'up', port = 0): Promise<FlipServer> {
    const s = track(new FlipServer(host));
    s.health = health;
    s.port = port;
    await s.listen();
    return s;
  }

  get addr(): string {
    return `${this.host}:${this.port}`;
  }

  async listen(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      this.requests++;
      if (this.health === 'hang') return;
      const ok = this.health === 'up';
      if (ok && !this.firstOkAt) this.firstOkAt = new Date().toISOString();
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain', Connection: 'close' });
      res.end(ok ? 'OK' : 'down');
    });
    server.on('connection', (s: Socket) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port }, () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Note a measurement in a file under the test's dir and on the console (the report quotes it). */
export function note(file: string, text: string): void {
  appendFileSync(file, text + '\n');
  console.log(text);
}

function matches(line: string, match: string | RegExp): boolean {
  return typeof match === 'string' ? line === match : match.test(line);
}

function splitLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      onLine(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on('end', () => {
    if (buf) onLine(buf);
  });
}

// Start/stop a real Debian server for the protocol tests: a child process in a
// scratch directory, ready once a probe succeeds, stoppable, pausable (SIGSTOP)
// for the hang tests. A missing binary is an error, never a skip.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A daemon we started. */
export class Daemon {
  private exited: Promise<void>;
  log = '';

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly dir: string,
    private readonly stopSignal: NodeJS.Signals,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)));
    child.stderr?.on('data', (d: Buffer) => (this.log = (this.log + d.toString()).slice(-20000)));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** SIGSTOP to the whole process group (workers too): the kernel still accepts connections, nothing answers. */
  pause(): void {
    process.kill(-this.child.pid!, 'SIGSTOP');
  }

  /** SIGCONT after pause(). */
  resume(): void {
    process.kill(-this.child.pid!, 'SIGCONT');
  }

  /** Stop it (resuming it first if paused) and wait for the exit; KILL after 10 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      this.resume();
      process.kill(this.child.pid!, this.stopSignal);
    } catch {
      return;
    }
    const timer = setTimeout(() => this.killGroup('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(timer);
    // Workers that outlive their master (kamailio, dovecot) go with the group.
    this.killGroup('SIGKILL');
  }

  private killGroup(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig);
    } catch {
      // group already gone
    }
  }

  /** Stop and remove the scratch directory. */
  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Throw loudly when a server binary is missing (see test/helpers/apt-packages.txt). */
export function requireBinary(path: string, pkg: string): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`${path} not found: apt-get install ${pkg} (test/helpers/apt-packages.txt)`);
  }
}

/** A world-readable scratch directory (servers drop privileges). */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ldts-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/** Spawn a daemon in the foreground. */
export function spawnDaemon(name: string, dir: string, cmd: string, args: string[], stopSignal: NodeJS.Signals = 'SIGTERM', env?: NodeJS.ProcessEnv): Daemon {
  const child = spawn(cmd, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env, detached: true });
  child.on('error', () => undefined);
  return new Daemon(name, child, dir, stopSignal);
}

/** Poll `probe` until it resolves true; fail with the daemon's log after `ms`. */
export async function waitUntil(d: Daemon, probe: () => Promise<boolean>, ms = 20000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (d.child.exitCode !== null) {
      await d.cleanup();
      throw new Error(`${d.name} exited with ${d.child.exitCode}:\n${d.log}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  // Never leave a half-started server behind: the caller has no handle on it yet.
  await d.cleanup();
  throw new Error(`${d.name} did not answer within ${ms} ms:\n${d.log}`);
}

/** True when a TCP connection to host:port succeeds and, if `banner`, the first data matches it. */
export function tcpProbe(host: string, port: number, banner?: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => {
      if (!banner) done(true);
    });
    s.on('data', (d: Buffer) => done(banner ? banner.test(d.toString('latin1')) : true));
  });
}

/** Run a command to completion; rejects with its output on a non-zero exit. */
export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
    child.stdin.end(opts.input ?? '');
  });
}

/** A self-signed certificate for 127.0.0.1/::1/localhost in `dir` (cert.pem, key.pem). */
export async function selfSignedCert(dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost']);
  chmodSync(key, 0o644);
  return { cert, key };
}

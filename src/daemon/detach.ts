// Detaching without fork(): the foreground `ldirectord CFG start` spawns a copy
// of itself in a new session (setsid via `detached`), stdio on /dev/null, and
// waits on a readiness pipe (fd 3) until the copy reports that it is up. So
// `start` returns 0 only once the daemon really runs, as init systems and the
// OCF agent expect, and a start-up failure reaches the operator's terminal.
import { spawn } from 'node:child_process';
import { writeSync, closeSync } from 'node:fs';

/** Environment marker telling a process it is the detached daemon (removed by the child at start-up). */
export const CHILD_ENV = 'LDIRECTORD_DETACHED_CHILD';

/** The fd of the readiness pipe in the child. */
const READY_FD = 3;

/** The daemon copy failed before it was ready. */
export class DetachError extends Error {
  readonly code = 'EDETACH';
  constructor(message: string) {
    super(message);
    this.name = 'DetachError';
  }
}

/** What to run as the daemon copy. */
export interface DetachSpec {
  /** The node binary (process.execPath). */
  readonly execPath: string;
  /** Node flags to keep (process.execArgv). */
  readonly execArgv: readonly string[];
  /** The launcher as invoked (process.argv[1]): it ends up in /proc/PID/cmdline. */
  readonly script: string;
  /** `<config as given> start`. */
  readonly args: readonly string[];
  /** Extra environment for the child. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Spawn the detached daemon; resolves with its pid once it reports ready, rejects with DetachError otherwise. */
export function spawnDetached(spec: DetachSpec): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.execPath, [...spec.execArgv, spec.script, ...spec.args], {
      detached: true,
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...spec.env, [CHILD_ENV]: '1' },
    });
    let report = '';
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      pipe?.destroy();
      child.unref();
      if (err) reject(err);
      else resolve(child.pid!);
    };
    const pipe = child.stdio[READY_FD] as NodeJS.ReadableStream & { destroy(): void } | null;
    child.on('error', (err) => settle(new DetachError(`cannot start the daemon: ${err.message}`)));
    pipe?.setEncoding('utf8');
    pipe?.on('data', (chunk: string) => {
      report += chunk;
      const nl = report.indexOf('\n');
      if (nl < 0) return;
      const line = report.slice(0, nl);
      if (line === 'READY') settle(null);
      else settle(new DetachError(line.replace(/^ERROR /, '')));
    });
    // 'close' (not 'exit'): it comes after the pipe is drained, so a report written
    // just before dying is read first. Without a report the child died early.
    child.on('close', (code, signal) => {
      settle(new DetachError(
        `the daemon exited before it was ready (${signal ? `signal ${signal}` : `exit status ${code}`})`,
      ));
    });
  });
}

/** In the daemon copy: true when started by spawnDetached; removes the marker so grandchildren do not inherit it. */
export function takeChildMarker(env: NodeJS.ProcessEnv = process.env): boolean {
  const marked = env[CHILD_ENV] === '1';
  delete env[CHILD_ENV];
  return marked;
}

/** In the daemon copy: tell the waiting parent that the daemon is up, or why it is not. */
export function reportToParent(error?: string): void {
  try {
    writeSync(READY_FD, error === undefined ? 'READY\n' : `ERROR ${error.replace(/\n/g, ' ')}\n`);
    closeSync(READY_FD);
  } catch {
    // The parent is gone (killed while waiting): nobody to tell.
  }
}

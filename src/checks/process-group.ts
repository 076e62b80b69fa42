// Run a program in a process group of its own and, at the deadline, end the
// whole group: SIGTERM, then SIGKILL after a grace period (compat B.8/B.13).
// ldirectord sends one TERM to the script alone, so children survive and a
// script that traps TERM lives forever; here nothing of the group is left.
import { spawn } from 'node:child_process';

/** How a run ended. */
export type RunOutcome =
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stderr: string }
  | { readonly kind: 'timeout'; readonly pid: number }
  | { readonly kind: 'spawn-error'; readonly error: NodeJS.ErrnoException };

/** Options of runInGroup. */
export interface RunOptions {
  /** Milliseconds between SIGTERM and SIGKILL to the group. Default 1000. */
  readonly graceMs?: number;
  /** Bytes of stderr kept (the tail) for the failure message. Default 1024. */
  readonly stderrBytes?: number;
  /** Called with the group id once the group is gone (tests, metrics). */
  readonly onReaped?: (pgid: number) => void;
}

/**
 * Run `file args` (no shell: exec with a list, as ldirectord's system_timeout)
 * with the environment inherited, in a new process group. Settles at the
 * child's exit, or at once when the signal aborts (the group is then killed in
 * the background: TERM now, KILL after graceMs if anything of it remains).
 */
export function runInGroup(file: string, args: readonly string[], signal: AbortSignal, opts: RunOptions = {}): Promise<RunOutcome> {
  const graceMs = opts.graceMs ?? 1000;
  const keep = opts.stderrBytes ?? 1024;
  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    const settle = (o: RunOutcome): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    };
    if (signal.aborted) return settle({ kind: 'timeout', pid: 0 });
    // env passed explicitly: the environment of *this* process object is inherited, as by exec.
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: process.env });
    let stderr = Buffer.alloc(0);
    child.stderr!.on('data', (d: Buffer) => {
      stderr = Buffer.concat([stderr, d]);
      if (stderr.length > keep) stderr = stderr.subarray(stderr.length - keep);
    });
    child.stderr!.on('error', () => {});
    child.once('error', (error: NodeJS.ErrnoException) => settle({ kind: 'spawn-error', error }));
    child.once('exit', (code, sig) => {
      // A backgrounded grandchild may hold stderr open: do not wait for it.
      child.stderr!.destroy();
      settle({ kind: 'exit', code, signal: sig, stderr: stderr.toString('utf8') });
    });
    const onAbort = (): void => {
      const pgid = child.pid;
      if (pgid === undefined) return settle({ kind: 'timeout', pid: 0 });
      killGroup(pgid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (groupAlive(pgid)) killGroup(pgid, 'SIGKILL');
        opts.onReaped?.(pgid);
      }, graceMs);
      // Kept referenced on purpose: the KILL must go out even if nothing else keeps the loop alive.
      void timer;
      child.stderr!.destroy();
      settle({ kind: 'timeout', pid: pgid });
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Signal a whole process group; a group already gone is fine. */
export function killGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/** Does any process of the group still exist? */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

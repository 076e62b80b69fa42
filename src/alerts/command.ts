// fallbackcommand= and callback=: ldirectord runs them with system("CMD ...")
// (system_wrapper): one string, so /bin/sh -c. Ours has a deadline (the whole
// process group gets TERM, then KILL), never throws, and says why it failed
// (exit status and stderr) where ldirectord prints a stale errno (compat B.7).

import { spawn } from 'node:child_process';
import type { VirtualService } from '../config/model.js';
import type { Logger } from '../log/types.js';

/** stderr kept per run: enough for a reason line, bounded against chatty scripts. */
const STDERR_CAP = 64 * 1024;
/** After the leader exits, how long stderr may stay open (a background grandchild holds it) before we stop reading. */
const STDERR_DRAIN_MS = 200;

/** The complete record of one command run. */
export interface CommandResult {
  /** Exit status, or null when killed by a signal or never started. */
  readonly exitCode: number | null;
  /** Signal that ended it, or null. */
  readonly signal: NodeJS.Signals | null;
  /** What it wrote on stderr (first 64 KiB). */
  readonly stderr: string;
  /** true when the deadline fired and the process group was killed. */
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Why it could not be started (spawn error), when it could not. */
  readonly spawnError?: string;
}

/** Options of runCommand. */
export interface RunCommandOptions {
  /** Deadline; then TERM to the process group, and KILL after killGraceMs. */
  timeoutMs: number;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Time between TERM and KILL (default 2000 ms). */
  killGraceMs?: number;
  /** ldirectord's $DEBUG: above 2, `Running system(CMD)` is logged first, as system_wrapper does. */
  debugLevel?: number;
}

/** `CMD start|stop VIP:PORT PROTO` exactly as do_fallback_command builds it (fwmark: `:0 fwm`, server being undef). */
export function fallbackCommandLine(
  cmd: string,
  status: 'start' | 'stop',
  virtual: Pick<VirtualService, 'protocol' | 'addr' | 'port'>,
): string {
  const server = virtual.protocol === 'fwm' ? `:${virtual.port}` : virtual.addr;
  return `${cmd} ${status} ${server} ${virtual.protocol}`;
}

/** Why a run failed, for the `system(CMD) failed: ` line; '' when it succeeded. */
export function failureReason(result: CommandResult, timeoutMs: number): string {
  const firstLine = result.stderr.split('\n').find((l) => l.trim() !== '') ?? '';
  const withStderr = (s: string): string => (firstLine ? `${s}: ${firstLine.trim()}` : s);
  if (result.spawnError !== undefined) return result.spawnError;
  if (result.timedOut) return `timed out after ${timeoutMs} ms`;
  if (result.signal) return withStderr(`killed by signal ${result.signal}`);
  if (result.exitCode !== 0) return withStderr(`exit status ${result.exitCode}`);
  return '';
}

/** Run `cmdline` through /bin/sh -c with a deadline; logs `system(CMD) failed: REASON` on failure; never rejects. */
export async function runCommand(cmdline: string, opts: RunCommandOptions): Promise<CommandResult> {
  if ((opts.debugLevel ?? 0) > 2) opts.logger.info(`Running system(${cmdline})`);
  const result = await execute(cmdline, opts);
  const reason = failureReason(result, opts.timeoutMs);
  if (reason) opts.logger.info(`system(${cmdline}) failed: ${reason}`);
  return result;
}

/** Longest wait for a KILLed process group to disappear. */
const KILL_WAIT_MS = 1000;

/** Resolves when exists() turns false, polling every 10 ms, or after maxMs. */
function waitGroupGone(exists: () => boolean, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  return new Promise((resolve) => {
    const poll = (): void => {
      if (!exists() || Date.now() >= until) return resolve();
      setTimeout(poll, 10);
    };
    poll();
  });
}

function execute(cmdline: string, opts: RunCommandOptions): Promise<CommandResult> {
  const started = Date.now();
  const grace = opts.killGraceMs ?? 2000;
  return new Promise((resolve) => {
    let stderr = '';
    let timedOut = false;
    let leaderExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let killDone = true;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];

    // detached: the command leads its own process group, so the deadline
    // reaches whatever it started (ldirectord's TERM reached the shell alone).
    const child = spawn('/bin/sh', ['-c', cmdline], {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: opts.env ?? process.env,
    });

    const finish = (extra: Partial<CommandResult> = {}): void => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      child.stderr?.destroy();
      resolve({
        exitCode: leaderExit?.code ?? null,
        signal: leaderExit?.signal ?? null,
        stderr,
        timedOut,
        durationMs: Date.now() - started,
        ...extra,
      });
    };
    const maybeFinish = (): void => {
      if (leaderExit && killDone) finish();
    };
    const killGroup = (signal: NodeJS.Signals | 0): boolean => {
      try {
        process.kill(-child.pid!, signal);
        return true;
      } catch {
        return false; // ESRCH: the whole group is gone
      }
    };

    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < STDERR_CAP) stderr += d.slice(0, STDERR_CAP - stderr.length);
    });
    child.stderr!.on('error', () => {});
    let stderrClosed = false;
    child.stderr!.once('close', () => {
      stderrClosed = true;
      if (!timedOut) maybeFinish();
    });
    child.once('error', (err) => {
      leaderExit ??= { code: null, signal: null };
      finish({ spawnError: `cannot run /bin/sh: ${err.message}` });
    });
    child.once('exit', (code, signal) => {
      leaderExit = { code, signal };
      if (timedOut) {
        // Nothing left of the group: no need to wait for the KILL step.
        if (!killGroup(0)) killDone = true;
        return maybeFinish();
      }
      // Normal end: what it left running in the background is the operator's
      // business (as with ldirectord); give stderr a moment to drain, then stop reading.
      if (stderrClosed) return maybeFinish();
      timers.push(setTimeout(maybeFinish, STDERR_DRAIN_MS));
    });

    timers.push(
      setTimeout(() => {
        if (leaderExit) return;
        timedOut = true;
        killDone = false;
        killGroup('SIGTERM');
        // KILL whatever is left of the group after the grace time, even if
        // the leader died of the TERM: a grandchild may trap it.
        timers.push(
          setTimeout(() => {
            killGroup('SIGKILL');
            // kill() returns before the processes are gone; report the run
            // only once they are (bounded: zombies nobody reaps stay in the group).
            waitGroupGone(() => killGroup(0), KILL_WAIT_MS).then(() => {
              killDone = true;
              maybeFinish();
            });
          }, grace),
        );
      }, opts.timeoutMs),
    );
  });
}

// Finding and running the ipvsadm binary: ldirectord's lookup rule, and one
// run with a deadline (TERM, then KILL after a grace) and a complete record.
import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { IpvsError } from './errors.js';

/** Where ldirectord looks for ipvsadm, in order (after ./ipvsadm in debug mode). */
export const IPVSADM_PATHS: readonly string[] = ['/sbin/ipvsadm', '/usr/sbin/ipvsadm'];

/**
 * The ipvsadm ldirectord would use: with -d, `./ipvsadm` in cwd when that file exists
 * (ldirectord tests `-f`, not `-x`); else the first executable of /sbin, /usr/sbin.
 * Throws IpvsError EIPVSADM_NOTFOUND (ldirectord dies with `Can not find ipvsadm`).
 */
export function findIpvsadm(opts: { debug: boolean; cwd?: string; paths?: readonly string[] }): string {
  if (opts.debug) {
    const cwd = opts.cwd ?? process.cwd();
    // Named `./ipvsadm` as ldirectord names it (its `system(./ipvsadm ...) failed` lines).
    if (isFile(join(cwd, 'ipvsadm'))) return cwd === process.cwd() ? './ipvsadm' : join(cwd, 'ipvsadm');
  }
  for (const p of opts.paths ?? IPVSADM_PATHS) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not there or not executable: try the next one, as ldirectord does
    }
  }
  throw new IpvsError('EIPVSADM_NOTFOUND', 'Can not find ipvsadm');
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Everything about one ipvsadm run. */
export interface RunRecord {
  readonly args: readonly string[];
  /** Exit status; undefined when killed or never started. */
  readonly exitCode?: number;
  readonly stdout: string;
  /** Trimmed. */
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Set when the process could not be started (ENOENT, EACCES ...). */
  readonly spawnError?: string;
  readonly durationMs: number;
}

/** Options of one run. */
export interface RunOptions {
  readonly timeoutMs: number;
  /** How long after SIGTERM to send SIGKILL. */
  readonly killGraceMs: number;
  readonly input?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs ipvsadm once; never throws, the record says what happened. */
export async function runIpvsadm(path: string, args: readonly string[], opts: RunOptions): Promise<RunRecord> {
  const started = performance.now();
  const result = await execa(path, args, {
    reject: false,
    input: opts.input ?? '',
    timeout: opts.timeoutMs,
    killSignal: 'SIGTERM',
    forceKillAfterDelay: opts.killGraceMs,
    stripFinalNewline: false,
    // LC_ALL=C: strerror() texts (e.g. `Numerical result out of range`) stay in English.
    env: { LC_ALL: 'C', ...opts.env },
    extendEnv: true,
  });
  const durationMs = performance.now() - started;
  const stderr = typeof result.stderr === 'string' ? result.stderr.trim() : '';
  const stdout = typeof result.stdout === 'string' ? result.stdout : '';
  const spawnError = result.exitCode === undefined && !result.timedOut && !result.signal
    ? (result.cause instanceof Error ? result.cause.message : result.shortMessage)
    : undefined;
  return {
    args,
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    stdout,
    stderr,
    timedOut: result.timedOut,
    ...(spawnError !== undefined ? { spawnError } : {}),
    durationMs,
  };
}

/** A short reason for a failed run, for outcomes and error messages. */
export function describeFailure(r: RunRecord, timeoutMs: number): string {
  if (r.timedOut) return `timed out after ${timeoutMs} ms`;
  if (r.spawnError) return r.spawnError;
  if (r.stderr) return r.stderr;
  return r.exitCode === undefined ? 'killed' : `exit status ${r.exitCode}`;
}

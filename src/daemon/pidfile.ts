// The pid file /var/run/ldirectord.<CFGNAME>.pid, read and judged exactly as
// ldirectord's ld_init does: the first line is the pid, and it only counts as a
// running daemon when /proc/PID/cmdline contains "ldirectord" (anything else is
// a stale file: a dead pid, or a pid reused by an unrelated process).
import { readFileSync, writeFileSync, renameSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** ldirectord's $RUNPID directory; LDIRECTORD_RUNDIR overrides it (tests only: the real one is fixed). */
export function runDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LDIRECTORD_RUNDIR || '/var/run';
}

/** `RUNDIR/ldirectord.<cfgName>.pid`, the path ldirectord prints in its stale-pid message. */
export function pidFilePath(cfgName: string, dir: string = runDir()): string {
  // String concatenation, not path.join: ldirectord prints "$RUNPID.$CFGNAME.pid" verbatim.
  return `${join(dir, 'ldirectord')}.${cfgName}.pid`;
}

/** What the pid file says: `filePid` is its first line (undefined: no file or empty), `pid` is set only when that process is an ldirectord. */
export interface PidFileState {
  readonly filePid?: string;
  readonly pid?: number;
}

/** Read the pid file and decide whether it names a running ldirectord. */
export function readPidFile(path: string): PidFileState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  // Perl: `$_ = <FILE>; chomp;` — an empty file reads as undef (so "stopped", not "stale").
  if (text === '') return {};
  const filePid = text.split('\n')[0]!;
  return isLdirectord(filePid) ? { filePid, pid: Number(filePid) } : { filePid };
}

/** True when /proc/PID/cmdline exists and contains "ldirectord" (ldirectord's own stale-pid test). */
export function isLdirectord(pid: string | number): boolean {
  // Only plain numbers: "/proc/self" would otherwise always look alive.
  if (!/^\d+$/.test(String(pid)) || Number(pid) <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('ldirectord');
  } catch {
    return false;
  }
}

/** Write `PID\n` atomically (temp file + rename), so a concurrent `status` never reads a half-written file. */
export function writePidFile(path: string, pid: number = process.pid): void {
  const tmp = `${path}.${pid}.tmp`;
  writeFileSync(tmp, `${pid}\n`, { mode: 0o644 });
  renameSync(tmp, path);
}

/** Remove the pid file if it is still ours (a restart may already have a successor's pid in it). */
export function removePidFile(path: string, pid: number = process.pid): void {
  if (!existsSync(path)) return;
  const state = readPidFile(path);
  if (state.filePid !== undefined && state.filePid !== String(pid)) return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean up.
  }
}

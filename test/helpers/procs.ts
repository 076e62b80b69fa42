// Inspect processes through /proc, to assert that a killed check left nothing behind.
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process as /proc/PID/stat shows it. */
export interface ProcInfo {
  readonly pid: number;
  readonly state: string;
  readonly pgid: number;
}

/** Read /proc/PID/stat; undefined when the process is gone. */
export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0]!, pgid: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes whose process group is pgid. */
export function liveGroupMembers(pgid: number): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const p = procInfo(Number(name));
    if (p && p.pgid === pgid && p.state !== 'Z') out.push(p);
  }
  return out;
}

/** Is the process gone (or only a zombie awaiting its reaper)? */
export function ended(pid: number): boolean {
  const p = procInfo(pid);
  return p === undefined || p.state === 'Z';
}

/** Wait until every pid has ended; false if some still run after ms. */
export async function waitEnded(pids: readonly number[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (pids.every(ended)) return true;
    await sleep(50);
  }
  return pids.every(ended);
}

/** Read a pid file written by the fixtures (one pid a line), waiting until it has n entries. */
export async function readPids(file: string, n: number, ms = 5000): Promise<number[]> {
  const until = Date.now() + ms;
  for (;;) {
    let pids: number[] = [];
    try {
      pids = readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      // not written yet
    }
    if (pids.length >= n || Date.now() > until) return pids;
    await sleep(20);
  }
}

/** Sockets of this network namespace in SYN_SENT towards the given port (/proc/net/tcp and tcp6). */
export function synSentTo(port: number): number {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let n = 0;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[2] = rem_address (ADDR:PORT), cols[3] = state; 02 = SYN_SENT.
      if (cols[3] === '02' && cols[2]?.endsWith(`:${hex}`)) n++;
    }
  }
  return n;
}

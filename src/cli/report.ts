// `ldirectord [CFG] report [--json]` and `ldirectord [CFG] diff [--json]`
// (extensions): ask the running daemon over its control socket. The argument
// forms, the readable report table, and the exit codes live here.
import type { StatusSnapshot, RealReport, Verdict, VirtualReport } from '../control/snapshot.js';
import { controlRequest, DaemonNotRunningError } from '../control/client.js';
import { cfgNameOf } from './lookup.js';

/** The query commands (extension). */
export type QueryCommand = 'report' | 'diff';

/** `[CFG] report|diff [--json]`. */
export interface QueryInvocation {
  readonly config: string;
  readonly cfgName: string;
  readonly command: QueryCommand;
  readonly json: boolean;
}

/** Exit status: the daemon is not running (as `status`). */
export const EXIT_NOT_RUNNING = 3;
/** Exit status: the daemon could not be asked (permission, timeout, its own error). */
export const EXIT_QUERY_FAILED = 4;

/** Recognise the query forms; undefined when `rest` is something else (ldirectord rejects all of these with usage). */
export function parseQuery(rest: readonly string[]): QueryInvocation | undefined {
  const at = rest.findIndex((a) => a === 'report' || a === 'diff');
  if (at !== 0 && at !== 1) return undefined;
  const after = rest.slice(at + 1);
  if (after.length > 1 || (after.length === 1 && after[0] !== '--json')) return undefined;
  const command = rest[at] as QueryCommand;
  const json = after.length === 1;
  return at === 0
    ? { config: 'ldirectord.cf', cfgName: 'ldirectord', command, json }
    : { config: rest[0]!, cfgName: cfgNameOf(rest[0]!), command, json };
}

/** Where the CLI writes. */
export interface QueryIO {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** Ask the daemon for a request; maps "not running" and failures to exit codes with a message on stderr. */
export async function askDaemon(
  io: QueryIO,
  socket: string,
  configFile: string,
  cmd: QueryCommand,
): Promise<{ result: unknown } | { exit: number }> {
  try {
    return { result: await controlRequest(socket, { cmd }) };
  } catch (err) {
    if (err instanceof DaemonNotRunningError) {
      io.stderr(`ldirectord is not running for ${configFile}: ${err.message}\n`);
      return { exit: EXIT_NOT_RUNNING };
    }
    io.stderr(`ldirectord ${cmd} for ${configFile} failed: ${(err as Error).message}\n`);
    return { exit: EXIT_QUERY_FAILED };
  }
}

/** `report`: the table (or JSON); exit 0, 3 when not running, 4 when the daemon cannot be asked. */
export async function runReport(io: QueryIO, socket: string, configFile: string, json: boolean): Promise<number> {
  const got = await askDaemon(io, socket, configFile, 'report');
  if ('exit' in got) return got.exit;
  const snap = got.result as StatusSnapshot;
  io.stdout(json ? `${JSON.stringify(snap, null, 2)}\n` : formatReport(snap));
  return 0;
}

/** Verdicts shown under a real that is not up. */
const HISTORY_SHOWN = 5;
const MESSAGE_WIDTH = 48;

/** The readable report. */
export function formatReport(s: StatusSnapshot, tz?: string): string {
  const lines: string[] = [];
  const head = [
    `ldirectord-ts (ldirectord v${s.version}) for ${s.config}: pid ${s.pid}, up ${age(s.now - s.startedAt)}`,
    `table: ${s.ipvs}${s.shadow ? ' (SHADOW: decides and logs, never writes)' : ''}${s.metrics ? `; metrics http://${s.metrics}/metrics` : ''}`,
  ];
  if (s.scheduler) {
    const c = s.scheduler;
    head.push(`checks: ${c.jobs} scheduled, ${c.inFlight} running, ${c.queued} queued, ${c.completed} done, ${c.inconclusive} inconclusive; event loop p99 ${c.loop.p99Ms} ms, max ${c.loop.maxMs} ms`);
  }
  lines.push(...head);
  for (const v of s.virtuals) lines.push('', ...virtualLines(v, s.now, tz));
  return `${lines.join('\n')}\n`;
}

function virtualLines(v: VirtualReport, now: number, tz?: string): string[] {
  const up = v.reals.filter((r) => r.state === 'up').length;
  const out = [`${v.virtual}  ${v.scheduler}  ${v.checktype}  ${up}/${v.reals.length} up${v.quiescent ? '  quiescent' : ''}${v.inTable ? '' : '  (not in the table)'}`];
  const rows: string[][] = [['  REAL', 'STATE', 'WEIGHT', 'LAST CHECK', 'TOOK', 'FAILS', 'SINCE']];
  const extra = new Map<number, string[]>();
  for (const r of v.reals) {
    rows.push([
      `  ${r.real}`,
      r.state,
      weight(r.tableWeight, r.configuredWeight),
      r.last ? clip(`${r.last.code} ${r.last.message}`, MESSAGE_WIDTH) : '-',
      r.last ? ms(r.last.durationMs) : '-',
      r.failcount || r.consecutiveFailures ? `${r.consecutiveFailures} (${Math.min(r.failcount, r.failurecount)}/${r.failurecount})` : '0',
      age(now - r.since),
    ]);
    if (r.state !== 'up' && r.history.length) extra.set(rows.length - 1, historyLines(r, tz));
  }
  if (v.fallback) {
    const f = v.fallback;
    rows.push([`  ${f.real} (fallback)`, f.state === 'fallback' ? 'serving' : f.state === 'down' ? 'standby' : 'unknown',
      weight(f.tableWeight, f.configuredWeight), '-', '-', '-', '-']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  rows.forEach((row, i) => {
    out.push(row.map((cell, j) => (j === row.length - 1 ? cell : cell.padEnd(widths[j]!))).join('  ').trimEnd());
    out.push(...(extra.get(i) ?? []));
  });
  return out;
}

function historyLines(r: RealReport, tz?: string): string[] {
  return r.history.slice(-HISTORY_SHOWN).map((h: Verdict) => `      ${clock(h.at, tz)} ${h.code.padEnd(7)} ${ms(h.durationMs).padStart(7)}  ${h.message}`);
}

function weight(table: number | null, configured: number): string {
  return `${table ?? '-'}/${configured}`;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** `12 ms`, `1.5 s`. */
export function ms(v: number): string {
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
}

/** A duration as `42s`, `3m05s`, `2h13m`, `4d03h`. */
export function age(msv: number): string {
  const s = Math.max(0, Math.floor(msv / 1000));
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}

function clock(at: number, tz?: string): string {
  return new Date(at).toLocaleTimeString('en-GB', { hour12: false, ...(tz ? { timeZone: tz } : {}) });
}

// Test harness for the CLI: a private build of the project (so a half-written
// file elsewhere in the shared checkout cannot break these tests), the real
// bin/ldirectord launcher copied next to it, and per-test temp dirs for configs,
// logs and pid files (LDIRECTORD_RUNDIR).
//
// Stand-ins: while src/config/index.ts, src/log/index.ts or a working
// startDaemon have not landed yet, tiny stand-ins are written INTO THE PRIVATE
// BUILD ONLY (never into src/). Once the real modules exist they are used.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
const BUILD = join(tmpdir(), `ldts-cli-build-${process.getuid?.() ?? 0}`);
/** The launcher under test (a copy of bin/ldirectord inside the private build). */
export const BIN = join(BUILD, 'bin', 'ldirectord');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const STANDIN_CONFIG = `
import { readFileSync } from 'node:fs';
export class ConfigError extends Error {
  code = 'ECONFIG'; warnings = [];
  constructor(file, line, detail) { super(detail); this.file = file; this.line = line; this.detail = detail; }
  format(pid) { return 'Error [' + pid + ']' + (this.line > 0 ? ' reading file ' + this.file + ' at line ' + this.line : '') + ': ' + this.detail.replace(/\\n$/, '') + '\\n'; }
}
export function formatWarning(file, w, pid) { return 'Warning [' + pid + '] reading file ' + file + ' at line ' + w.line + ': ' + w.message + '\\n'; }
export async function loadConfig(file, { name }) {
  const g = { logfile: '/var/log/ldirectord.log', supervised: false, autoreload: false, execute: [], shadow: false };
  const virtuals = [];
  readFileSync(file, 'utf8').split('\\n').forEach((l, i) => {
    if (/^\\s*(#|$)/.test(l) || /^\\s/.test(l)) return;
    let m;
    if ((m = /^logfile\\s*=\\s*"(.*)"/.exec(l))) g.logfile = m[1];
    else if ((m = /^supervised\\s*=\\s*(yes|no)$/.exec(l))) g.supervised = m[1] === 'yes';
    else if ((m = /^autoreload\\s*=\\s*(yes|no)$/.exec(l))) g.autoreload = m[1] === 'yes';
    else if ((m = /^execute\\s*=\\s*(.*)/.exec(l))) g.execute.push(m[1]);
    else if (/^virtual\\s*=/.test(l)) virtuals.push({ line: i + 1 });
    else if (/^(checktimeout|checkinterval|quiescent)\\s*=/.test(l)) {}
    else throw new ConfigError(file, i + 1, 'Unknown command ' + l);
  });
  return { file, name, global: g, virtuals, warnings: [] };
}
export function summarize(c) { return c.virtuals.length + ' virtual service(s)'; }
export function configToJSON(c) { return { file: c.file, virtuals: c.virtuals.length }; }
`;

const STANDIN_LOG = `
import { appendFileSync } from 'node:fs';
const now = () => { const p = String(new Date()).split(' '); return p[0] + ' ' + p[1] + ' ' + p[2].replace(/^0/, ' ') + ' ' + p[4] + ' ' + p[3]; };
export function createLdLogger(o) {
  const write = (m) => {
    if (o.mode === 'stderr') process.stderr.write(m + '\\n');
    else if (o.mode === 'stdout') process.stdout.write('[' + now() + '] ' + m + '\\n');
    else appendFileSync(o.mode === 'file' ? o.file : '/dev/null', '[' + now() + '|' + o.cfgName + '|' + o.pid() + '] ' + m + '\\n');
  };
  const debug = (p, m) => { if (o.debugLevel >= p) process.stderr.write('DEBUG' + p + ': ' + m + '\\n'); };
  return { info(m) { debug(2, m); write(m.replace(/\\n$/, '')); }, debug, async close() {} };
}
`;

const STANDIN_DAEMON = `
export function startDaemon(config, logger, opts) {
  let resolveStopped;
  const stopped = new Promise((r) => { resolveStopped = r; });
  const keepAlive = setInterval(() => {}, 1 << 30);
  logger.info('stand-in daemon running, ipvs=' + opts.ipvs + ' path=' + opts.configPath);
  return {
    ready: Promise.resolve(),
    stopped,
    stop(sig) { logger.info('Linux Director Daemon terminated on signal: ' + sig); clearInterval(keepAlive); resolveStopped(0); },
    reload() { logger.info('Reloading Linux Director Daemon config on signal'); },
  };
}
`;

/** Which stand-ins the private build uses (empty once everything real has landed). */
export const standIns: string[] = [];

/** Build the project into the private dir (once per change of src/ or bin/; shared by test files). */
export function ensureBuilt(): void {
  const stamp = join(BUILD, '.stamp');
  const newest = Math.max(newestMtime(join(ROOT, 'src')), statSync(join(ROOT, 'bin', 'ldirectord')).mtimeMs);
  const lock = `${BUILD}.lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building: wait for it (a stale lock older than 2 min is broken).
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch { /* gone */ }
      execFileSync('sleep', ['0.2']);
    }
  }
  try {
    if (!existsSync(stamp) || statSync(stamp).mtimeMs < newest) {
      const next = `${BUILD}.new-${process.pid}`;
      rmSync(next, { recursive: true, force: true });
      // --noCheck: emit only; type errors are tsc's job in CI, not this harness's.
      spawnSync(join(ROOT, 'node_modules', '.bin', 'tsc'), ['--noCheck', '-p', ROOT, '--outDir', join(next, 'dist')], {
        stdio: 'ignore',
      });
      if (!existsSync(join(next, 'dist', 'src', 'cli', 'main.js'))) throw new Error('private build failed');
      mkdirSync(join(next, 'bin'));
      copyFileSync(join(ROOT, 'bin', 'ldirectord'), join(next, 'bin', 'ldirectord'));
      writeFileSync(join(next, 'package.json'), '{"type":"module"}\n');
      symlinkSync(join(ROOT, 'node_modules'), join(next, 'node_modules'));
      rmSync(BUILD, { recursive: true, force: true });
      renameSync(next, BUILD);
      writeFileSync(stamp, '');
    }
    standIns.length = 0;
    const put = (rel: string, text: string, name: string) => {
      writeFileSync(join(BUILD, 'dist', 'src', rel), text);
      standIns.push(name);
    };
    // A module counts as landed when its build imports cleanly (its own imports may still be missing).
    const importable = (rel: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(join(BUILD, 'dist', 'src', rel))})`], {
        stdio: 'ignore',
      }).status === 0;
    if (!importable('config/index.js')) put('config/index.js', STANDIN_CONFIG, 'config');
    if (!importable('log/index.js')) put('log/index.js', STANDIN_LOG, 'log');
    if (
      readFileSync(join(ROOT, 'src', 'daemon', 'daemon.ts'), 'utf8').includes('not implemented yet') ||
      !importable('daemon/daemon.js')
    ) {
      put('daemon/daemon.js', STANDIN_DAEMON, 'daemon');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A scratch directory with a run dir for pid files. */
export interface Scratch {
  readonly dir: string;
  readonly run: string;
  readonly log: string;
  /** Environment for ldirectord runs: pid files in `run`, simulated IPVS. */
  readonly env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** Make a scratch dir; `name` becomes part of the config names so parallel files never share pid files. */
export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'ldts-cli-'));
  const run = join(dir, 'run');
  mkdirSync(run);
  return {
    dir,
    run,
    log: join(dir, 'ld.log'),
    env: { ...process.env, LDIRECTORD_RUNDIR: run, LDIRECTORD_IPVS: 'simulated' },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A valid loopback-only config logging to the scratch log. */
export function goodConfig(s: Scratch, name = 'test.cf', extra = ''): string {
  const p = join(s.dir, name);
  writeFileSync(p, `checktimeout=2\ncheckinterval=2\nlogfile="${s.log}"\n${extra}virtual=127.0.0.2:80\n\treal=127.0.0.3:80 masq\n\tchecktype=on\n`);
  return p;
}

/** What one run printed. */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run bin/ldirectord to completion (the detached daemon is not waited for: it has its own session and /dev/null stdio). */
export function ld(s: Scratch, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const r: SpawnSyncReturns<string> = spawnSync(BIN, args, {
    cwd: opts.cwd ?? s.dir,
    env: opts.env ?? s.env,
    encoding: 'utf8',
    timeout: 90_000, // a loaded CI machine: node start-up alone has taken seconds
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The scratch log's lines (empty when it does not exist). */
export function logLines(s: Scratch): string[] {
  return existsSync(s.log) ? readFileSync(s.log, 'utf8').split('\n').filter(Boolean) : [];
}

/** Wait (polling, bounded) until `cond` holds; throws with `what` after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 40_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when the pid is alive (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A long-running stand-in whose cmdline contains "ldirectord" and which records
 * the signals it gets in `signals.txt` (HUP is recorded, TERM records and exits).
 */
export function standInDaemon(s: Scratch): { pid: number; signals: string; kill(): void } {
  const signals = join(s.dir, 'signals.txt');
  const code = `const fs=require('fs');for(const g of ['SIGHUP','SIGTERM'])process.on(g,()=>{fs.appendFileSync(${JSON.stringify(signals)},g+'\\n');if(g==='SIGTERM')process.exit(0)});setInterval(()=>{},1e9);fs.writeFileSync(${JSON.stringify(signals)},'')`;
  const child = spawn(process.execPath, ['-e', code, 'ldirectord-stand-in'], { stdio: 'ignore', detached: true });
  child.unref();
  return { pid: child.pid!, signals, kill: () => { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } } };
}

/** A live process that is NOT an ldirectord (for stale pid files). */
export function otherProcess(): { pid: number; kill(): void } {
  const child = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
  child.unref();
  return { pid: child.pid!, kill: () => { try { process.kill(child.pid!, 'SIGKILL'); } catch { /* gone */ } } };
}

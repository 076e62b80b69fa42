// Test harness for the CLI: a private build of the project (so a half-written
// file elsewhere in the shared checkout cannot break these tests), the real
// bin/ldirectord launcher copied next to it, and per-test temp dirs for configs,
// logs and pid files (LDIRECTORD_RUNDIR).
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync,
  symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');
// One private build per checkout (two clones running tests at once must not share it).
const BUILD = join(tmpdir(), `ldts-cli-build-${process.getuid?.() ?? 0}-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}`);
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

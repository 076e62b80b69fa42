// How many ipvsadm processes, and how long, until N reals changing state at once
// are in the table and verified: ours (one -R batch + one verification read via
// IpvsadmBackend) against ldirectord's way (per change: `-L -n`,
// `-L -n --thresholds`, then the change), both against the fake ipvsadm in a
// temp dir. Prints numbers, asserts nothing. Run: npx tsc && node dist/bench/apply.js [--full]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IpvsadmBackend } from '../src/ipvs/ipvsadm.js';
import { commandArgs } from '../src/ipvs/save-format.js';
import { makeService } from '../src/ipvs/table.js';
import type { IpvsCommand } from '../src/ipvs/types.js';

const FAKE = resolve('test/fixtures/ipvsadm');
const SIZES = [100, 1000, 10000];
/** ldirectord's way is measured on at most this many changes and extrapolated (unless --full). */
const SAMPLE = process.argv.includes('--full') ? Infinity : 30;

const svc = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', ops: false });
const addOf = (i: number): IpvsCommand => ({
  op: 'add-dest', service: svc,
  dest: { addr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:80`, forward: 'masq', weight: 1, uThreshold: 0, lThreshold: 0 },
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-apply-'));
  execFileSync(FAKE, ['-A', '-t', '127.0.0.1:80', '-s', 'wrr'], { env: { ...process.env, FAKE_IPVSADM_DIR: dir } });
  return dir;
}

async function ours(n: number): Promise<{ spawned: number; ms: number; ok: number }> {
  const dir = freshDir();
  try {
    const backend = new IpvsadmBackend({ path: FAKE, env: { FAKE_IPVSADM_DIR: dir }, timeoutMs: 60000 });
    const cmds = Array.from({ length: n }, (_, i) => addOf(i + 1));
    const t0 = performance.now();
    const r = await backend.apply(cmds);
    return { spawned: r.spawned, ms: performance.now() - t0, ok: r.outcomes.filter((o) => o.ok).length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function ldirectordWay(n: number): { spawned: number; ms: number; measured: number } {
  const dir = freshDir();
  const env = { ...process.env, FAKE_IPVSADM_DIR: dir };
  const m = Math.min(n, SAMPLE);
  try {
    const t0 = performance.now();
    for (let i = 1; i <= m; i++) {
      // _restore_service: ld_read_ipvsadm (two runs), then one system() per change.
      execFileSync(FAKE, ['-L', '-n'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      execFileSync(FAKE, ['-L', '-n', '--thresholds'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      execFileSync(FAKE, commandArgs(addOf(i)), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    }
    const ms = performance.now() - t0;
    return { spawned: 3 * n, ms: (ms / m) * n, measured: m };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: string[][] = [['reals', 'ours: procs', 'ours: ms', 'ldirectord: procs', 'ldirectord: ms', 'ratio (time)', 'note']];
  for (const n of SIZES) {
    const a = await ours(n);
    const b = ldirectordWay(n);
    rows.push([
      String(n), String(a.spawned), a.ms.toFixed(0), String(b.spawned), b.ms.toFixed(0), `${(b.ms / a.ms).toFixed(1)}x`,
      (a.ok === n ? '' : `only ${a.ok}/${n} verified; `) + (b.measured < n ? `ldirectord extrapolated from ${b.measured} changes` : ''),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd());
  console.log('\nldirectord: each change reads the table twice (-L -n, -L -n --thresholds) and runs one ipvsadm,');
  console.log('and its later changes see an ever larger table. Ours: one -R with every line, then one read (-S -n +');
  console.log('-L -n --thresholds, concurrently) that verifies every command.');
}

await main();

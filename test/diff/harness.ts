// Run protocols-harness.pl (one of the real ldirectord's check_* subs) under a
// hang wrapper and report its verdict with its wall time: `up(0.3s)`,
// `down(2.3s)`, `HANG(>12s)`, or `crash:<first telling stderr line>`. Async,
// so a server living in the caller's own process can answer meanwhile.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

// The .sh wrappers run the compiled scripts from the repository root.
const HARNESS = join(process.cwd(), 'test', 'diff', 'protocols-harness.pl');

/** ldirectord's verdict for KEY=VALUE settings, killed after `hangSecs`. */
export function ldirectordVerdict(settings: Record<string, string | number>, hangSecs: number): Promise<string> {
  const args = Object.entries(settings).map(([k, v]) => `${k}=${v}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('timeout', ['-s', 'KILL', String(hangSecs), 'perl', HARNESS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
    child.on('close', (code, signal) => {
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      if (code === 137 || signal) return resolve(`HANG(>${hangSecs}s)`);
      const m = /RESULT (up|down)/.exec(out);
      if (m) return resolve(`${m[1]}(${secs}s)`);
      resolve(`crash:${err.split('\n').find((l) => /Can't|died|exit/i.test(l))?.slice(0, 40) ?? code}`);
    });
  });
}

// Runs our modules in a real child process: the parts under test that touch
// process-wide state (TZ, stderr, the pid) can only be observed from outside.
// Our src/ folders are transpiled once per test file into a temp dir that links the
// project's node_modules, and a small ESM script drives it.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const ROOT = join(process.cwd());

/** Transpile every src/**.ts into a fresh temp dir; returns its path (scripts import `${dir}/src/...js`). */
export function buildSrc(): string {
  const out = mkdtempSync(join(tmpdir(), 'ldts-build-'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  const emit = (p: string): void => {
    const js = ts.transpileModule(readFileSync(p, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const dest = join(out, relative(ROOT, p)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
  };
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) emit(p);
    }
  };
  // Only our modules and the contracts they import: other folders may be mid-edit.
  for (const d of ['src/log', 'src/alerts']) walk(join(ROOT, d));
  for (const f of ['src/config/model.ts', 'src/checks/result.ts']) emit(join(ROOT, f));
  return out;
}

/** What a finished child process left behind. */
export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a program to completion and collect its output. */
export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => {}); // a program that exits without reading its input
      child.stdin!.end(opts.input);
    }
  });
}

/** Run an ESM script (its text) with node in `dir` (the build dir, so bare imports resolve). */
export function runScript(dir: string, script: string, env: NodeJS.ProcessEnv = process.env): Promise<ChildRun> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  return run(process.execPath, [file], { env, cwd: dir });
}

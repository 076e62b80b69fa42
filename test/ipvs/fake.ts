// Test helper: a private state directory for the fake ipvsadm program, and
// ways to run it and to read what it recorded.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

/** Absolute path of the fake ipvsadm program. */
export const FAKE_IPVSADM = resolve('test/fixtures/ipvsadm');

/** One line of calls.log. */
export interface Call {
  time: string;
  pid: number;
  argv: string[];
  stdin?: string;
  exit: number | null;
  stderr: string;
  hang?: number;
}

/** A fake ipvsadm with its own state directory. */
export class Fake {
  readonly dir = mkdtempSync(join(tmpdir(), 'fake-ipvsadm-'));
  readonly env = { FAKE_IPVSADM_DIR: this.dir };

  /** Runs the fake with argv (and stdin). */
  async run(args: string[], input = ''): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const r = await execa(FAKE_IPVSADM, args, { input, reject: false, env: this.env, stripFinalNewline: false });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr).trim() };
  }

  /** Runs `-R` with the given lines. */
  restore(lines: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    return this.run(['-R'], lines.map((l) => l + '\n').join(''));
  }

  /** `-S -n` output as lines. */
  async save(): Promise<string[]> {
    return (await this.run(['-S', '-n'])).stdout.split('\n').filter(Boolean);
  }

  calls(): Call[] {
    try {
      return readFileSync(join(this.dir, 'calls.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Call);
    } catch {
      return [];
    }
  }

  control(c: unknown): void {
    writeFileSync(join(this.dir, 'control.json'), JSON.stringify(c));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

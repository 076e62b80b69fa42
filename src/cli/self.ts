// $0 as the operator typed it. Node makes process.argv[1] absolute; Perl's $0
// (and so ldirectord's "Invoking ldirectord invoked as: $0" line and the
// daemon's cmdline) keeps it as given, e.g. `./ldirectord`. The kernel passes
// the script path to the interpreter unchanged, so /proc/self/cmdline has it.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The launcher path as invoked; falls back to process.argv[1] when /proc disagrees. */
export function invokedAs(argv: readonly string[] = process.argv, cmdlineFile = '/proc/self/cmdline'): string {
  const fallback = argv[1] ?? 'ldirectord';
  try {
    const raw = readFileSync(cmdlineFile, 'utf8').split('\0');
    if (raw.at(-1) === '') raw.pop();
    // cmdline = node [node flags] SCRIPT ARGS...; ARGS are argv.slice(2), unchanged.
    const script = raw[raw.length - (argv.length - 1)];
    // Only trust it when it names the same file as argv[1].
    return script !== undefined && resolve(script) === fallback ? script : fallback;
  } catch {
    return fallback;
  }
}

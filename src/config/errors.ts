// ldirectord's config diagnostics: an error class with a stable code and the
// exact text __config_log prints (`Error [PID] reading file F at line N: ...`).

import type { ConfigWarning } from './model.js';

// __config_log: chomp once, append "\n", prefix with "KIND [PID]" and, for line > 0, the place.
function configLog(kind: 'Error' | 'Warning', file: string, line: number, detail: string, pid: number): string {
  const msg = (detail.endsWith('\n') ? detail.slice(0, -1) : detail) + '\n';
  const where = line > 0 ? ` reading file ${file} at line ${line}` : '';
  return `${kind} [${pid}]${where}: ${msg}`;
}

/** A config that ldirectord would refuse: `detail` is its message, `line` 0 when not tied to a line. */
export class ConfigError extends Error {
  readonly code = 'ECONFIG' as const;
  readonly file: string;
  readonly line: number;
  readonly detail: string;
  /** Warnings printed before the error, in order (ldirectord prints them as it reads). */
  warnings: readonly ConfigWarning[] = [];
  /** The logfile= read before the error, if any: where ldirectord logs its exit line. */
  logfile?: string;

  constructor(file: string, line: number, detail: string) {
    super(line > 0 ? `${file} line ${line}: ${detail.replace(/\n$/, '')}` : detail.replace(/\n$/, ''));
    this.name = 'ConfigError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }

  /** Exactly what ldirectord prints on stderr (trailing newline included). */
  format(pid: number): string {
    return configLog('Error', this.file, this.line, this.detail, pid);
  }
}

/** Exactly what ldirectord prints for a config warning (trailing newline included). */
export function formatWarning(file: string, w: ConfigWarning, pid: number): string {
  return configLog('Warning', file, w.line, w.message, pid);
}

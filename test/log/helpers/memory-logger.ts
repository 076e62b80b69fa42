// A Logger that keeps its ld_log lines in memory, for asserting what was logged.

import type { Logger } from '../../../src/log/types.js';

/** A Logger whose info() lines are kept in `lines`. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => void lines.push(m), debug: () => {} };
}

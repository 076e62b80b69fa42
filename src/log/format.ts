// ldirectord's line shapes (ld_log, ld_debug), as pure functions so that
// every transport and the tests share one definition of each byte.

/** Perl's chomp: drop ONE trailing "\n" (not "\r\n", not several), as ld_log and ld_debug do. */
export function chomp(message: string): string {
  return message.endsWith('\n') ? message.slice(0, -1) : message;
}

/** Log file line: `[LOCALTIME|CFGNAME|PID] message\n`. */
export function fileLine(now: string, cfgName: string, pid: number, message: string): string {
  return `[${now}|${cfgName}|${pid}] ${message}\n`;
}

/** supervised=yes line on stdout: `[LOCALTIME] message\n`. */
export function supervisedLine(now: string, message: string): string {
  return `[${now}] ${message}\n`;
}

/** -d line on stderr, and what ld_log prints when the log file cannot be written: the bare message. */
export function bareLine(message: string): string {
  return `${message}\n`;
}

/** ld_debug line on stderr: `DEBUG<priority>: message\n`. */
export function debugLine(priority: number, message: string): string {
  return `DEBUG${priority}: ${message}\n`;
}

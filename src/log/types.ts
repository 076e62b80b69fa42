// The logger interface the core depends on; src/log/ provides the
// implementations (file, syslog, stderr for -d, stdout for supervised).

/** Where ldirectord's messages go. `info` is ld_log; `debug` is ld_debug (printed only with -d). */
export interface Logger {
  /** An ld_log line: written in the configured ldirectord format, byte for byte. */
  info(message: string): void;
  /** An ld_debug line at priority 1..4 (`DEBUG2: message` on stderr in -d mode only). */
  debug(priority: number, message: string): void;
}

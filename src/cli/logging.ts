// The ld_log destination for the command-line process: stderr with -d, stdout
// with supervised=yes, else the logfile (a path) or syslog (a facility) — the
// default /var/log/ldirectord.log until the config is read.
import { createLdLogger } from '../log/index.js';
import type { Logger } from '../log/types.js';

/** The default logfile of set_defaults. */
export const DEFAULT_LOGFILE = '/var/log/ldirectord.log';

/** A Logger that can be closed (flushes syslog). */
export type CliLogger = Logger & { close(): void | Promise<void> };

/** Where to log. */
export interface LogTarget {
  readonly debug: boolean;
  readonly supervised: boolean;
  /** A path starting with '/' or a syslog facility. */
  readonly logfile: string;
  readonly cfgName: string;
}

/** Build the logger ldirectord would use for this target. */
export function openLogger(t: LogTarget): CliLogger {
  const mode = t.debug ? 'stderr' : t.supervised ? 'stdout' : t.logfile.startsWith('/') ? 'file' : 'syslog';
  return createLdLogger({
    mode,
    file: t.logfile,
    facility: t.logfile,
    cfgName: t.cfgName,
    pid: () => process.pid,
    // -d sets $DEBUG = 3 (every ld_log is echoed as "DEBUG2: ...").
    debugLevel: t.debug ? 3 : 0,
  });
}

/** ld_exit: log "Exiting with exit_status N: MSG" when N != 0 or with -d, then give N back. */
export function ldExit(logger: Logger, debug: boolean, status: number, message: string): number {
  if (status !== 0 || debug) logger.info(`Exiting with exit_status ${status}: ${message}`);
  return status;
}

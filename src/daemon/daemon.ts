// The running daemon: wires config -> scheduler -> director -> ipvs -> log.
// (Stub: the lead fills this in; the CLI codes against this signature.)
import type { Config } from '../config/model.js';
import type { Logger } from '../log/types.js';

/** How the CLI asks for a daemon. */
export interface DaemonOptions {
  /** Config path as resolved by the CLI lookup. */
  readonly configPath: string;
  /** CFGNAME (basename of the config argument, or 'ldirectord'). */
  readonly configName: string;
  /** -d given: use ./ipvsadm if present, debug output on stderr. */
  readonly debug: boolean;
  /** 'simulated' = the in-memory IPVS table (demo/tests); 'ipvsadm' = the real program. */
  readonly ipvs: 'ipvsadm' | 'simulated';
  /** Never write the table; log what would be done (extension). */
  readonly shadow: boolean;
  /** Where the control socket goes (next to the pid file); undefined = none. */
  readonly controlSocket?: string;
}

/** A daemon that has been started. */
export interface RunningDaemon {
  /** Resolves once the table is set up and checks are scheduled. Rejects on a fatal start error. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code once the daemon has fully stopped. */
  readonly stopped: Promise<number>;
  /** Stop (cleanstop honoured), logging `Linux Director Daemon terminated on signal: SIG`. */
  stop(signal: string): void;
  /** Re-read the config file (SIGHUP). */
  reload(): void;
}

/** Start the daemon on an already-loaded config. */
export function startDaemon(_config: Config, _logger: Logger, _opts: DaemonOptions): RunningDaemon {
  throw new Error('startDaemon: not implemented yet');
}

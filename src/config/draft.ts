// Mutable working records of the reader: ldirectord's %vsrv / $rsrv hashes and
// global variables, with values kept as the strings ldirectord keeps (they
// are printed as such: `127.0.0.1:080`, weights in check ids).

import type { AddressFamily, Forward } from './model.js';
import { ConfigError } from './errors.js';
import type { ConfigWarning } from './model.js';

/** A fallback as parse_fallback returns it (server/port resolved in place later). */
export interface FallbackDraft {
  server: string;
  port: string | undefined;
  forward: Forward;
}

/** One real server (ldirectord's $rsrv hash). */
export interface RealDraft {
  line: number;
  /** ldirectord's server string: `127.0.0.1` or `[::1]`. */
  server: string;
  port: string;
  forward: Forward;
  weight: string;
  request?: string;
  receive?: string;
  lThreshold?: string;
  uThreshold?: string;
}

/** One virtual service block (ldirectord's %vsrv), before ld_setup. */
export interface VirtualDraft {
  line: number;
  af: AddressFamily;
  protocol: string;
  fwm?: string;
  server?: string;
  port: string;
  checktype: string;
  numConnects: string;
  service?: string;
  scheduler: string;
  checkcommand: string;
  request: string;
  receive: string;
  login: string;
  passwd: string;
  database: string;
  secret: string;
  load?: string;
  checktimeout: number;
  negotiatetimeout: number;
  checkcount: number;
  failurecount: number;
  checkinterval?: number;
  checkport?: string;
  httpmethod: string;
  virtualhost?: string;
  ops: string;
  persistent?: string;
  schedflags?: string;
  netmask?: string;
  fallback?: FallbackDraft;
  fallbackcommand?: string;
  quiescent?: string;
  emailalert?: string;
  emailalertfreq?: string;
  emailalertstatus?: number;
  monitorfile?: string;
  cleanstop?: string;
  smtp?: string;
  servicename?: string;
  comment?: string;
  tlsverify?: string;
  tlscafile?: string;
  reals: RealDraft[];
}

/** ldirectord's global variables after set_defaults, as read_config changes them. */
export interface GlobalDraft {
  checktimeout: number;
  negotiatetimeout: number;
  checkinterval: number;
  checkcount: number;
  failurecount: number;
  fallback?: { tcp: FallbackDraft; udp: FallbackDraft };
  fallback6?: { tcp: FallbackDraft; udp: FallbackDraft };
  fallbackcommand?: string;
  autoreload: string;
  callback?: string;
  logfile: string;
  execute: string[];
  fork: string;
  supervised: string;
  quiescent: string;
  readdquiescent: string;
  emailalert: string;
  emailalertfreq: string;
  emailalertstatus: number;
  emailalertfrom?: string;
  cleanstop: string;
  smtp?: string;
  maintenancedir?: string;
  reconcileinterval: number;
  metrics?: string;
  shadow: string;
}

/** set_defaults(). */
export function defaultGlobals(): GlobalDraft {
  return {
    checktimeout: -1, negotiatetimeout: -1, checkinterval: 10, checkcount: 1, failurecount: 1,
    autoreload: 'no', logfile: '/var/log/ldirectord.log', execute: [], fork: 'no', supervised: 'no',
    quiescent: 'no', readdquiescent: 'no', emailalert: '', emailalertfreq: '0', emailalertstatus: 0xf,
    cleanstop: 'yes', reconcileinterval: 5, shadow: 'no',
  };
}

/** Options of one read (ldirectord's -d, supervised, $HOSTNAME, /etc/services). */
export interface ReadOptions {
  /** CFGNAME; defaults to the basename of the file. */
  name?: string;
  /** loadConfig: the path as messages name it (ldirectord's $CONFIG), when the file is read by another (absolute) path. */
  shownAs?: string;
  /** -d: the logfile is not test-opened. */
  debug?: boolean;
  /** Supervised by the caller: the logfile is not test-opened. */
  supervised?: boolean;
  /** $HOSTNAME for ftp/sip defaults; defaults to $HOSTNAME or os.hostname(). */
  hostname?: string;
  /** Services file for port names (default /etc/services). */
  servicesFile?: string;
  /** Host name lookup (default: the system resolver). */
  lookup?: (name: string, family: 4 | 6) => Promise<string | undefined>;
}

/** Where errors and warnings go while reading one file. */
export class Diagnostics {
  readonly warnings: ConfigWarning[] = [];
  /** The last good logfile= line so far: an error's exit line is logged there. */
  logfile?: string;
  constructor(readonly file: string) {}

  /** config_error: stop reading with ldirectord's message. */
  error(line: number, message: string): never {
    const e = new ConfigError(this.file, line, message);
    e.warnings = [...this.warnings];
    if (this.logfile !== undefined) e.logfile = this.logfile;
    throw e;
  }

  /** config_warn. */
  warn(line: number, message: string): void {
    this.warnings.push({ line, message });
  }
}

// The resolved, immutable configuration: what ldirectord.cf means once parsed,
// defaulted and resolved (ldirectord's read_config + ld_setup). Every other
// module reads these records; nothing outside src/config/ re-parses strings.

/** IP address family of a virtual service (virtual= is 4, virtual6= is 6). */
export type AddressFamily = 4 | 6;

/** IPVS protocol of a virtual service. */
export type Protocol = 'tcp' | 'udp' | 'fwm';

/** Forwarding method of a real server: gate = direct routing (-g), masq = NAT (-m), ipip = tunnel (-i). */
export type Forward = 'gate' | 'masq' | 'ipip';

/** checktype=: a number N becomes 'combined' with numConnects = N. */
export type CheckType =
  | 'connect'
  | 'negotiate'
  | 'ping'
  | 'off'
  | 'on'
  | 'external'
  | 'external-perl'
  | 'combined';

/** Every service= name ldirectord accepts. */
export const SERVICES = [
  'dns', 'ftp', 'http', 'https', 'http_proxy', 'imap', 'imaps', 'ldap', 'ldaps', 'nntp',
  'mysql', 'none', 'oracle', 'pop', 'pops', 'radius', 'pgsql', 'sip', 'smtp', 'submission',
  'simpletcp',
] as const;

/** A negotiate service name. */
export type Service = (typeof SERVICES)[number];

/** Daemon states for emailalertstatus (ldirectord's bit values). */
export const DaemonStatus = { starting: 0x1, running: 0x2, stopping: 0x4, reloading: 0x8 } as const;
/** All daemon states (emailalertstatus=all, the default). */
export const DAEMON_STATUS_ALL = 0xf;

/** A fallback ("sorry") server, resolved. */
export interface Fallback {
  /** Bare address, canonical (`127.0.0.1`, `::1`). */
  readonly ip: string;
  /** Port; 0 for fwmark services (and a global fallback without port takes the virtual's). */
  readonly port: number;
  readonly forward: Forward;
  /** Always 1, as ldirectord. */
  readonly weight: 1;
}

/** A real server of one virtual service, resolved (one entry per address of a range). */
export interface RealServer {
  /** Config line it came from (ranges share the line). */
  readonly line: number;
  /** Bare canonical address. */
  readonly ip: string;
  /** Port as configured (0 when omitted). For gate/ipip on tcp/udp, IPVS stores it on the virtual's port. */
  readonly port: number;
  /** `ip:port` as ldirectord prints it (`[::1]:80` for IPv6). */
  readonly addr: string;
  readonly forward: Forward;
  readonly weight: number;
  /** Effective request (per-real or the virtual's), always starting with '/'. */
  readonly request: string;
  /** Effective receive regex source ('' = none). */
  readonly receive: string;
  /** Lower / upper connection thresholds (-y / -x); 0 when unset. */
  readonly lThreshold: number;
  readonly uThreshold: number;
  /** Port the check talks to: checkport, else the real's port, else the service's well-known port. */
  readonly checkPort: number;
  /** URL for http/https/http_proxy checks, built as ld_setup does. */
  readonly url: string;
  /**
   * Check identity (ldirectord's get_real_id_str): reals with the same id in several
   * virtuals are checked once and share one verdict and one failure counter.
   */
  readonly checkId: string;
}

/** A virtual service block, resolved with globals folded in. */
export interface VirtualService {
  /** Line of the virtual= / virtual6= line. */
  readonly line: number;
  readonly af: AddressFamily;
  readonly protocol: Protocol;
  /** Firewall mark, for protocol 'fwm'. */
  readonly fwm?: number;
  /** Bare canonical address; undefined for fwmark services. */
  readonly ip?: string;
  /** Port; 0 for fwmark services. */
  readonly port: number;
  /** ldirectord's get_virtual(): `ip:port`, `[v6]:port`, or the fwmark number. */
  readonly addr: string;
  /** ldirectord's get_virtual_id_str(): `tcp:127.0.0.1:80`, `fwm:1`, `fwm6:1`. */
  readonly id: string;

  readonly scheduler: string;
  readonly persistent?: number;
  readonly netmask?: string;
  readonly schedflags?: string;
  /** One-packet scheduling (only applied for udp, as ldirectord). */
  readonly ops: boolean;

  readonly checktype: CheckType;
  /** For checktype=N: N connect checks between negotiate checks. */
  readonly numConnects: number;
  readonly service: Service;
  readonly checkcommand: string;
  readonly request: string;
  readonly receive: string;
  readonly login: string;
  readonly passwd: string;
  readonly database: string;
  readonly secret: string;
  readonly load?: string;
  readonly httpmethod: 'GET' | 'HEAD';
  readonly virtualhost?: string;
  readonly checkport?: number;

  /** Seconds, resolved with ldirectord's mutual fallback (checktimeout <-> negotiatetimeout). */
  readonly checktimeout: number;
  readonly negotiatetimeout: number;
  readonly checkcount: number;
  readonly failurecount: number;
  /** Seconds: the virtual's checkinterval, else the global one. */
  readonly checkinterval: number;

  /** Effective fallback (per-virtual, else global fallback/fallback6 for the protocol). */
  readonly fallback?: Fallback;
  /** Effective fallbackcommand (per-virtual, else global). */
  readonly fallbackcommand?: string;
  readonly quiescent: boolean;
  readonly cleanstop: boolean;
  readonly emailalert: string;
  readonly emailalertfreq: number;
  readonly emailalertstatus: number;
  readonly smtp?: string;
  readonly monitorfile?: string;
  readonly servicename?: string;
  readonly comment?: string;

  /** TLS verification (extension, off by default as ldirectord intends). */
  readonly tlsVerify: boolean;
  /** CA file for tlsVerify (extension). */
  readonly tlsCaFile?: string;

  readonly reals: readonly RealServer[];
}

/** Global settings (outside virtual blocks). */
export interface GlobalConfig {
  /** Raw global values; undefined when not set (the resolution into virtuals is already done). */
  readonly checktimeout?: number;
  readonly negotiatetimeout?: number;
  readonly checkinterval: number;
  readonly checkcount: number;
  readonly failurecount: number;
  readonly fallback?: { readonly tcp: Fallback; readonly udp: Fallback; readonly portGiven: boolean };
  readonly fallback6?: { readonly tcp: Fallback; readonly udp: Fallback; readonly portGiven: boolean };
  readonly fallbackcommand?: string;
  readonly autoreload: boolean;
  readonly callback?: string;
  /** A path (starts with '/') or a syslog facility name. */
  readonly logfile: string;
  readonly execute: readonly string[];
  readonly fork: boolean;
  readonly supervised: boolean;
  readonly quiescent: boolean;
  readonly readdquiescent: boolean;
  readonly emailalert: string;
  readonly emailalertfreq: number;
  readonly emailalertstatus: number;
  readonly emailalertfrom?: string;
  readonly cleanstop: boolean;
  readonly smtp?: string;
  readonly maintenancedir?: string;
  /** Extension: seconds between reconciliations of the IPVS table against the desired state. */
  readonly reconcileinterval: number;
  /** Extension: `host:port` for the Prometheus endpoint. */
  readonly metrics?: string;
  /** Extension: decide and log, never write the table. */
  readonly shadow: boolean;
}

/** A warning ldirectord prints while reading (deprecations, missing maintenancedir). */
export interface ConfigWarning {
  readonly line: number;
  readonly message: string;
}

/** The whole resolved configuration file. */
export interface Config {
  /** Path as resolved by the CLI (used in error texts). */
  readonly file: string;
  /** Basename of the file (ldirectord's CFGNAME, used in log lines and the pid file). */
  readonly name: string;
  readonly global: GlobalConfig;
  readonly virtuals: readonly VirtualService[];
  readonly warnings: readonly ConfigWarning[];
}

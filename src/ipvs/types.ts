// The IPVS table as data. The director computes a desired table for the
// virtual services we own; a backend reads the actual one and applies the
// difference as one batch.
import type { AddressFamily, Forward } from '../config/model.js';

/** IPVS protocol as ipvsadm names it in -S output: -t, -u, -f. */
export type IpvsProtocol = 'tcp' | 'udp' | 'fwm';

/**
 * Identity of a virtual service in the table. For tcp/udp: `tcp|127.0.0.1:80`,
 * `udp|[::1]:53`; for fwmark: `fwm|1` or `fwm6|1`. Build with serviceKey().
 */
export type ServiceKey = string;

/** A virtual service as it is (or should be) in the table. */
export interface IpvsService {
  readonly protocol: IpvsProtocol;
  readonly af: AddressFamily;
  /** `ip:port` / `[v6]:port` for tcp/udp; the mark as a decimal string for fwm. */
  readonly addr: string;
  readonly scheduler: string;
  /** Persistence timeout in seconds; undefined = not persistent. */
  readonly persistent?: number;
  readonly netmask?: string;
  readonly schedflags?: string;
  /** One-packet scheduling (udp). */
  readonly ops: boolean;
}

/** A destination (real server entry) under a service. */
export interface IpvsDest {
  /** `ip:port` / `[v6]:port` as the table holds it (gate/ipip: the virtual's port). */
  readonly addr: string;
  readonly forward: Forward;
  readonly weight: number;
  readonly uThreshold: number;
  readonly lThreshold: number;
}

/** A service with its destinations. */
export interface IpvsServiceEntry {
  readonly service: IpvsService;
  /** Keyed by IpvsDest.addr. */
  readonly dests: ReadonlyMap<string, IpvsDest>;
}

/** The whole table (or the part of it we care about). */
export type IpvsTable = ReadonlyMap<ServiceKey, IpvsServiceEntry>;

/** One table change. The ipvsadm backend renders each as one `-R` line. */
export type IpvsCommand =
  | { readonly op: 'add-service'; readonly service: IpvsService }
  | { readonly op: 'edit-service'; readonly service: IpvsService }
  | { readonly op: 'delete-service'; readonly service: IpvsService }
  | { readonly op: 'add-dest'; readonly service: IpvsService; readonly dest: IpvsDest }
  | { readonly op: 'edit-dest'; readonly service: IpvsService; readonly dest: IpvsDest }
  | { readonly op: 'delete-dest'; readonly service: IpvsService; readonly addr: string };

/** What happened to one command of a batch. */
export interface CommandOutcome {
  readonly command: IpvsCommand;
  readonly ok: boolean;
  /** ipvsadm's exit status (undefined when killed or never run). */
  readonly exitCode?: number;
  /** ipvsadm's stderr, trimmed, or our own reason (`timed out after 5000 ms`). */
  readonly error?: string;
}

/** The result of applying one batch. */
export interface BatchResult {
  readonly outcomes: readonly CommandOutcome[];
  /** The table as re-read after applying (the verification read). */
  readonly table: IpvsTable;
  /** Number of ipvsadm processes spawned for this batch (reads included). */
  readonly spawned: number;
}

/** A way to read and write the IPVS table: real ipvsadm, or in memory for tests and the demo. */
export interface IpvsBackend {
  /** Human name for logs: the ipvsadm path, or `simulated`. */
  readonly name: string;
  /** Read the whole table. Throws IpvsError when the table cannot be read. */
  read(): Promise<IpvsTable>;
  /** Apply commands in order (one batch), then re-read. Never throws for a failed command. */
  apply(commands: readonly IpvsCommand[]): Promise<BatchResult>;
}

/**
 * How the director wants one destination to be:
 * - 'must': present with exactly these attributes (add or edit);
 * - 'if-present': when present, make it exactly this; when absent, leave it absent
 *   (a quiesced real with readdquiescent=no: an operator may delete it by hand);
 * - 'keep': leave whatever is there alone (no verdict yet; adopted at start-up).
 */
export type DesiredMode = 'must' | 'if-present' | 'keep';

/** One destination of the desired table. */
export interface DesiredDest extends IpvsDest {
  readonly mode: DesiredMode;
}

/** One owned virtual service of the desired table. Destinations not listed are stale and removed. */
export interface DesiredService {
  readonly service: IpvsService;
  /** Keyed by DesiredDest.addr. */
  readonly dests: ReadonlyMap<string, DesiredDest>;
}

/** The services we own and what they should hold. Services not in it are never touched. */
export type DesiredTable = ReadonlyMap<ServiceKey, DesiredService>;

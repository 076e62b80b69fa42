// A real within one virtual, and where its entry lives in the IPVS table.
import type { Fallback, RealServer, VirtualService } from '../config/model.js';
import { tableAddrOf } from '../ipvs/table.js';
import type { IpvsDest } from '../ipvs/types.js';
import type { TableView } from './view.js';

/** One real of one virtual (a real in three virtuals is three pairs sharing one check). */
export interface Pair {
  readonly virtual: VirtualService;
  readonly real: RealServer;
  /** Stable across reloads while the virtual and the check identity stay the same. */
  readonly key: string;
}

/** `ip:port`, bracketed for IPv6, as ldirectord prints addresses. */
export function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The table entry a real should have when up (gate/ipip live on the virtual's port). */
export function destOf(pair: Pair): IpvsDest {
  const { virtual, real } = pair;
  return {
    addr: tableAddrOf(virtual, real),
    forward: real.forward,
    weight: real.weight,
    uThreshold: real.uThreshold,
    lThreshold: real.lThreshold,
  };
}

/** The table entry of a virtual's fallback server (weight 1, no thresholds). */
export function fallbackDest(virtual: VirtualService, fallback: Fallback): IpvsDest {
  return { addr: tableAddrOf(virtual, fallback), forward: fallback.forward, weight: 1, uThreshold: 0, lThreshold: 0 };
}

/** What _remove_service finds for a real: its own address, else the same IP on the virtual's port. */
export interface RemovalTarget {
  readonly addr: string;
  readonly dest: IpvsDest;
  /** Set when the entry was found on the virtual's port: the configured address. */
  readonly mappedFrom?: string;
}

/** Locate a real's entry the way ldirectord does before deleting or quiescing it. */
export function removalTarget(view: TableView, pair: Pair): RemovalTarget | undefined {
  const { virtual, real } = pair;
  const own = view.dest(virtual, real.addr);
  if (own) return { addr: real.addr, dest: own };
  if (virtual.protocol === 'fwm') return undefined;
  const addr = hostPort(real.ip, virtual.port);
  const mapped = view.dest(virtual, addr);
  return mapped ? { addr, dest: mapped, mappedFrom: real.addr } : undefined;
}

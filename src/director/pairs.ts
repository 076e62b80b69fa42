// A real within one virtual, and where its entry lives in the IPVS table.
import type { RealServer, VirtualService } from '../config/model.js';
import { formatAddr } from '../ipvs/table.js';
import type { IpvsDest } from '../ipvs/types.js';
import type { TableView } from './view.js';

/** One real of one virtual (a real in three virtuals is three pairs sharing one check). */
export interface Pair {
  readonly virtual: VirtualService;
  readonly real: RealServer;
  /** Stable across reloads while the virtual and the check identity stay the same. */
  readonly key: string;
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
  const addr = formatAddr(real.ip, virtual.port);
  const mapped = view.dest(virtual, addr);
  return mapped ? { addr, dest: mapped, mappedFrom: real.addr } : undefined;
}

// Desired vs actual: the fewest commands that make the services we own look
// the way the director wants, and a readable account of what differed (for the
// repair log lines). Services that are not in the desired table are never touched.
import { sameDest, sameService } from './table.js';
import type { DesiredTable, IpvsCommand, IpvsDest, IpvsService, IpvsTable, ServiceKey } from './types.js';

/** What kind of difference a Drift record describes. */
export type DriftKind = 'missing-service' | 'changed-service' | 'missing-dest' | 'changed-dest' | 'stray-dest';

/** One difference between the desired and the actual table, with the command that repairs it. */
export interface Drift {
  readonly kind: DriftKind;
  readonly key: ServiceKey;
  /** Destination address, for the *-dest kinds. */
  readonly addr?: string;
  /** What the table held (undefined when missing). */
  readonly found?: IpvsService | IpvsDest;
  /** What we want (undefined for a stray destination). */
  readonly wanted?: IpvsService | IpvsDest;
  /** The repair. */
  readonly command: IpvsCommand;
  /** One line for the log: `real 127.0.0.2:80 of tcp|127.0.0.1:80: found weight 0, wanted weight 1`. */
  readonly message: string;
}

/** The minimal commands turning `actual` into `desired` for the services desired lists. */
export function diffTable(desired: DesiredTable, actual: IpvsTable): IpvsCommand[] {
  return describeDrift(desired, actual).map((d) => d.command);
}

/**
 * Every difference, in the order the repairing commands must run: per service,
 * the service itself, then stale destinations removed, then destinations added or fixed.
 */
export function describeDrift(desired: DesiredTable, actual: IpvsTable): Drift[] {
  const out: Drift[] = [];
  for (const [key, want] of desired) {
    const have = actual.get(key);
    const service = want.service;
    if (!have) {
      out.push({ kind: 'missing-service', key, wanted: service, command: { op: 'add-service', service },
        message: `virtual service ${key}: missing, wanted ${describeService(service)}` });
    } else if (!sameService(have.service, service)) {
      out.push({ kind: 'changed-service', key, found: have.service, wanted: service, command: { op: 'edit-service', service },
        message: `virtual service ${key}: found ${describeService(have.service)}, wanted ${describeService(service)}` });
    }
    if (have) {
      for (const [addr, d] of have.dests) {
        if (want.dests.has(addr)) continue;
        out.push({ kind: 'stray-dest', key, addr, found: d, command: { op: 'delete-dest', service, addr },
          message: `real ${addr} of ${key}: found ${describeDest(d)}, not configured` });
      }
    }
    for (const [addr, d] of want.dests) {
      if (d.mode === 'keep') continue;
      const cur = have?.dests.get(addr);
      const dest: IpvsDest = { addr: d.addr, forward: d.forward, weight: d.weight, uThreshold: d.uThreshold, lThreshold: d.lThreshold };
      if (!cur) {
        if (d.mode === 'must') {
          out.push({ kind: 'missing-dest', key, addr, wanted: dest, command: { op: 'add-dest', service, dest },
            message: `real ${addr} of ${key}: missing, wanted ${describeDest(dest)}` });
        }
      } else if (!sameDest(cur, dest)) {
        out.push({ kind: 'changed-dest', key, addr, found: cur, wanted: dest, command: { op: 'edit-dest', service, dest },
          message: `real ${addr} of ${key}: found ${describeDest(cur)}, wanted ${describeDest(dest)}` });
      }
    }
  }
  return out;
}

const FORWARD_NAME = { gate: 'Route', masq: 'Masq', ipip: 'Tunnel' } as const;

/** `wrr persistent 300 mask 255.255.255.0`: a service's attributes as ipvsadm -L shows them. */
export function describeService(s: IpvsService): string {
  let out = s.scheduler;
  if (s.schedflags) out += ` (${s.schedflags})`;
  if (s.persistent !== undefined) out += ` persistent ${s.persistent}`;
  if (s.netmask !== undefined) out += ` mask ${s.netmask}`;
  if (s.ops) out += ' ops';
  return out;
}

/** `Route weight 1` (+ thresholds when set): a destination's attributes. */
export function describeDest(d: IpvsDest): string {
  let out = `${FORWARD_NAME[d.forward]} weight ${d.weight}`;
  if (d.uThreshold || d.lThreshold) out += ` thresholds ${d.uThreshold}/${d.lThreshold}`;
  return out;
}

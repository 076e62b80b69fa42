// The table as values: keys, canonical addresses, and the mapping from the
// config model to what ipvsadm will actually hold. Pure functions only.
import { isIPv6 } from 'node:net';
import type { AddressFamily, Fallback, RealServer, VirtualService } from '../config/model.js';
import type { IpvsDest, IpvsService, IpvsServiceEntry, IpvsTable, ServiceKey } from './types.js';

/** Identity of a service in the table: `tcp|127.0.0.1:80`, `udp|[::1]:53`, `fwm|1`, `fwm6|1`. */
export function serviceKey(service: Pick<IpvsService, 'protocol' | 'af' | 'addr'>): ServiceKey {
  if (service.protocol === 'fwm') return `${service.af === 6 ? 'fwm6' : 'fwm'}|${service.addr}`;
  return `${service.protocol}|${service.addr}`;
}

/** The canonical text of an IP address (IPv6 compressed and lower-case), as ipvsadm -n prints it. */
export function canonicalIp(ip: string): string {
  if (!isIPv6(ip)) return ip;
  // URL does RFC 5952 compression for us, which is what inet_ntop prints.
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** `ip:port`, or `[v6]:port`: how ipvsadm and ldirectord write an address with a port. */
export function formatAddr(ip: string, port: number): string {
  return isIPv6(ip) ? `[${canonicalIp(ip)}]:${port}` : `${ip}:${port}`;
}

/** Splits `ip:port` / `[v6]:port` into its parts; undefined when it is neither. */
export function splitAddr(addr: string): { ip: string; port: number; af: AddressFamily } | undefined {
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d+)$/.exec(addr) ?? /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(addr);
  if (!m) return undefined;
  const af: AddressFamily = addr.startsWith('[') ? 6 : 4;
  return { ip: af === 6 ? canonicalIp(m[1]!) : m[1]!, port: Number(m[2]), af };
}

/** `addr` in canonical form (v6 compressed); unchanged when it is not an address with port. */
export function canonicalAddr(addr: string): string {
  const parts = splitAddr(addr);
  return parts ? formatAddr(parts.ip, parts.port) : addr;
}

const SCHED_FLAG_BITS: Record<string, number> = {
  'flag-1': 1, 'flag-2': 2, 'flag-3': 4, 'sh-fallback': 1, 'sh-port': 2, 'mh-fallback': 1, 'mh-port': 2,
};

/**
 * Scheduler flags as ipvsadm prints them back (`sh-port`, `flag-1,flag-3`): they are bits in
 * the kernel, named after the scheduler, so `flag-2` on `sh` reads back as `sh-port`.
 * undefined for none; unknown names are kept verbatim (the kernel would refuse them anyway).
 */
export function normalizeSchedFlags(scheduler: string, flags: string | undefined): string | undefined {
  if (!flags) return undefined;
  let bits = 0;
  for (const name of flags.split(',').map((f) => f.trim()).filter(Boolean)) {
    const bit = SCHED_FLAG_BITS[name];
    if (bit === undefined) return flags;
    bits |= bit;
  }
  const names = scheduler === 'sh' || scheduler === 'mh'
    ? [`${scheduler}-fallback`, `${scheduler}-port`, 'flag-3']
    : ['flag-1', 'flag-2', 'flag-3'];
  const out = names.filter((_, i) => bits & (1 << i)).join(',');
  return out || undefined;
}

/** The persistence mask as the table reports it: undefined for the default (/32, /128) or when not persistent. */
export function normalizeNetmask(af: AddressFamily, persistent: number | undefined, netmask: string | undefined): string | undefined {
  if (persistent === undefined || netmask === undefined || netmask === '') return undefined;
  if (af === 6) {
    const n = Number.parseInt(netmask, 10);
    return n === 128 ? undefined : String(n);
  }
  return netmask === '255.255.255.255' ? undefined : netmask;
}

/** Builds an IpvsService in canonical form (the form reads produce), so equality is plain comparison. */
export function makeService(s: IpvsService): IpvsService {
  const persistent = s.persistent;
  const out: { -readonly [K in keyof IpvsService]: IpvsService[K] } = {
    protocol: s.protocol,
    af: s.af,
    addr: s.protocol === 'fwm' ? String(Number(s.addr)) : canonicalAddr(s.addr),
    scheduler: s.scheduler,
    // ipvsadm prints -o for udp and fwmark services only (it refuses it for tcp).
    ops: s.ops && s.protocol !== 'tcp',
  };
  if (persistent !== undefined) out.persistent = persistent;
  const netmask = normalizeNetmask(s.af, persistent, s.netmask);
  if (netmask !== undefined) out.netmask = netmask;
  const schedflags = normalizeSchedFlags(s.scheduler, s.schedflags);
  if (schedflags !== undefined) out.schedflags = schedflags;
  return out;
}

/** The IPVS service ldirectord would create for a virtual= block. */
export function serviceOf(v: VirtualService): IpvsService {
  return makeService({
    protocol: v.protocol,
    af: v.af,
    addr: v.protocol === 'fwm' ? String(v.fwm ?? v.addr) : formatAddr(v.ip ?? '', v.port),
    scheduler: v.scheduler,
    ...(v.persistent !== undefined ? { persistent: v.persistent } : {}),
    ...(v.netmask !== undefined ? { netmask: v.netmask } : {}),
    ...(v.schedflags !== undefined ? { schedflags: v.schedflags } : {}),
    // ldirectord only passes -o for udp virtuals.
    ops: v.ops && v.protocol === 'udp',
  });
}

/**
 * The address a real server gets in the table. ipvsadm forces gate (-g) and ipip (-i)
 * destinations of tcp/udp services onto the virtual's port; fwmark services keep the real's.
 */
export function tableAddrOf(v: Pick<VirtualService, 'protocol' | 'port'>, r: Pick<RealServer, 'ip' | 'port' | 'forward'>): string {
  const forced = v.protocol !== 'fwm' && (r.forward === 'gate' || r.forward === 'ipip');
  return formatAddr(r.ip, forced ? v.port : r.port);
}

/** The destination entry of a real server (weight defaults to the configured one; 0 = quiesced). */
export function destOf(v: VirtualService, r: RealServer, weight: number = r.weight): IpvsDest {
  return { addr: tableAddrOf(v, r), forward: r.forward, weight, uThreshold: r.uThreshold, lThreshold: r.lThreshold };
}

/** The destination entry of a fallback server (weight 1, no thresholds, as ldirectord). */
export function fallbackDestOf(v: VirtualService, f: Fallback): IpvsDest {
  const port = f.port === 0 && v.protocol !== 'fwm' ? v.port : f.port;
  return { addr: tableAddrOf(v, { ip: f.ip, port, forward: f.forward }), forward: f.forward, weight: f.weight, uThreshold: 0, lThreshold: 0 };
}

/** True when two services have the same attributes (both in canonical form). */
export function sameService(a: IpvsService, b: IpvsService): boolean {
  return a.protocol === b.protocol && a.af === b.af && a.addr === b.addr && a.scheduler === b.scheduler
    && a.persistent === b.persistent && a.netmask === b.netmask && a.schedflags === b.schedflags && a.ops === b.ops;
}

/** True when two destinations have the same address and attributes. */
export function sameDest(a: IpvsDest, b: IpvsDest): boolean {
  return a.addr === b.addr && a.forward === b.forward && a.weight === b.weight
    && a.uThreshold === b.uThreshold && a.lThreshold === b.lThreshold;
}

/** Builds a table from services and their destinations (tests, the demo, the memory backend). */
export function makeTable(entries: Iterable<{ service: IpvsService; dests?: Iterable<IpvsDest> }>): IpvsTable {
  const table = new Map<ServiceKey, IpvsServiceEntry>();
  for (const e of entries) {
    const service = makeService(e.service);
    const dests = new Map<string, IpvsDest>();
    for (const d of e.dests ?? []) dests.set(canonicalAddr(d.addr), { ...d, addr: canonicalAddr(d.addr) });
    table.set(serviceKey(service), { service, dests });
  }
  return table;
}

/** True when two tables hold the same services and destinations. */
export function sameTable(a: IpvsTable, b: IpvsTable): boolean {
  if (a.size !== b.size) return false;
  for (const [key, ea] of a) {
    const eb = b.get(key);
    if (!eb || !sameService(ea.service, eb.service) || ea.dests.size !== eb.dests.size) return false;
    for (const [addr, da] of ea.dests) {
      const db = eb.dests.get(addr);
      if (!db || !sameDest(da, db)) return false;
    }
  }
  return true;
}

/**
 * The destination as ipvsadm will store it under `service`: -g and -i on a tcp/udp
 * service move it to the service's port, whatever port the command named.
 */
export function effectiveDest<D extends IpvsDest>(service: IpvsService, dest: D): D {
  if (service.protocol === 'fwm' || dest.forward === 'masq') return dest;
  const s = splitAddr(service.addr);
  const d = splitAddr(dest.addr);
  if (!s || !d || s.port === d.port) return dest;
  return { ...dest, addr: formatAddr(d.ip, s.port) };
}

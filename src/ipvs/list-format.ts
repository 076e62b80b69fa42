// ipvsadm's listing format (`-L -n`, `-L -n --thresholds`). We only need it
// for thresholds: `-S` drops them, and no single ipvsadm run shows forwarding,
// weight and thresholds together. Lines are matched the way ldirectord's
// ld_read_ipvsadm_thresholds does, so both read the same table.
import { IpvsError } from './errors.js';
import { canonicalAddr, serviceKey } from './table.js';
import type { IpvsDest, IpvsServiceEntry, IpvsTable, ServiceKey } from './types.js';

const SERVICE_LINE = /^(TCP|UDP|FWM)\s+(\d+\.\d+\.\d+\.\d+:\d+|\[[0-9A-Fa-f:.]+\]:\d+|\d+)( IPv6)?\s+\S+/;
const THRESHOLD_LINE = /^ {2}->\s+(\d+\.\d+\.\d+\.\d+:\d+|\[[0-9A-Fa-f:.]+\]:\d+)\s+(\d+)\s+(\d+)\s+(\d+)/;

/** Thresholds per service key and destination address, read from `ipvsadm -L -n --thresholds`. */
export function parseThresholds(text: string): Map<ServiceKey, Map<string, { u: number; l: number }>> {
  const out = new Map<ServiceKey, Map<string, { u: number; l: number }>>();
  let current: Map<string, { u: number; l: number }> | undefined;
  const lines = text.split('\n');
  if (!/^IP Virtual Server version/.test(lines[0] ?? '')) {
    throw new IpvsError('EIPVSADM_READ', `unexpected ipvsadm -L output: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  }
  for (const line of lines.slice(3)) {
    const s = SERVICE_LINE.exec(line);
    if (s) {
      const protocol = s[1] === 'TCP' ? 'tcp' : s[1] === 'UDP' ? 'udp' : 'fwm';
      const key = serviceKey({ protocol, af: s[3] ? 6 : 4, addr: protocol === 'fwm' ? s[2]! : canonicalAddr(s[2]!) });
      current = new Map();
      out.set(key, current);
      continue;
    }
    const d = THRESHOLD_LINE.exec(line);
    if (d && current) current.set(canonicalAddr(d[1]!), { u: Number(d[2]), l: Number(d[3]) });
  }
  return out;
}

/** The table with each destination's thresholds taken from a `-L -n --thresholds` listing. */
export function mergeThresholds(table: IpvsTable, listing: string): IpvsTable {
  const thresholds = parseThresholds(listing);
  const out = new Map<ServiceKey, IpvsServiceEntry>();
  for (const [key, entry] of table) {
    const t = thresholds.get(key);
    if (!t) { out.set(key, entry); continue; }
    const dests = new Map<string, IpvsDest>();
    for (const [addr, d] of entry.dests) {
      const th = t.get(addr);
      dests.set(addr, th ? { ...d, uThreshold: th.u, lThreshold: th.l } : d);
    }
    out.set(key, { service: entry.service, dests });
  }
  return out;
}

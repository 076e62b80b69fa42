// ldirectord's identity strings and port<->service tables:
// get_virtual, get_virtual_id_str, get_real_id_str, ld_port_to_service,
// ld_service_to_port. Byte-exact: ids are printed in the monitorfile.

import { quotemeta } from './perl.js';

const PORT_SERVICE: ReadonlyArray<readonly [number, string]> = [
  [21, 'ftp'], [25, 'smtp'], [53, 'dns'], [80, 'http'], [110, 'pop'], [119, 'nntp'], [143, 'imap'],
  [389, 'ldap'], [443, 'https'], [587, 'submission'], [636, 'ldaps'], [995, 'pops'], [993, 'imaps'],
  [1521, 'oracle'], [1812, 'radius'], [3128, 'http_proxy'], [3306, 'mysql'], [5060, 'sip'], [5432, 'pgsql'],
];

/** ld_port_to_service: compared as strings (`$port eq 80`), so "080" is "none". */
export function portToService(port: string): string {
  for (const [p, s] of PORT_SERVICE) if (port === String(p)) return s;
  return 'none';
}

/** ld_service_to_port: the well-known port of a negotiate service; undefined if none. */
export function serviceToPort(service: string): number | undefined {
  for (const [p, s] of PORT_SERVICE) if (service === s) return p;
  return undefined;
}

/** The fields of a virtual service the id functions read. */
export interface VirtualIdFields {
  protocol: string;
  af: 4 | 6;
  fwm?: string;
  server?: string;
  port: string;
}

/** get_virtual: the fwmark, or `server:port` (`[::1]:80`). */
export function getVirtual(v: VirtualIdFields): string {
  return v.protocol === 'fwm' ? v.fwm! : `${v.server}:${v.port}`;
}

/** get_virtual_id_str: `tcp:127.0.0.1:80`, `fwm:1`, `fwm6:1`. */
export function virtualIdStr(v: VirtualIdFields): string {
  if (v.protocol === 'fwm') return `fwm${v.af === 6 ? '6' : ''}:${getVirtual(v)}`;
  return `${v.protocol}:${getVirtual(v)}`;
}

/** The fields of a virtual service get_real_id_str reads. */
export interface CheckIdVirtual {
  checktype: string;
  service?: string;
  checkcommand: string;
  protocol: string;
  checkport?: string;
  virtualhost?: string;
  request: string;
  receive: string;
}

/** The fields of a real server get_real_id_str reads. */
export interface CheckIdReal {
  server: string;
  port: string;
  weight: string;
  forward: string;
  request?: string;
  receive?: string;
}

/** get_real_id_str: the identity of a check (shared by reals with equal ids, printed in the monitorfile). */
export function realIdStr(r: CheckIdReal, v: CheckIdVirtual): string {
  const request = r.request ?? v.request;
  const receive = r.receive ?? v.receive;
  let check: string;
  if (v.checktype === 'negotiate' || v.checktype === 'combined') check = `${v.checktype}:${v.service ?? ''}`;
  else if (v.checktype === 'external' || v.checktype === 'external-perl') check = `${v.checktype}:${v.checkcommand}`;
  else check = v.checktype;
  return [
    check, v.protocol, r.server, r.port, v.virtualhost ?? '', v.checkport ?? '', r.weight, r.forward,
    quotemeta(request), quotemeta(receive),
  ].join(':');
}

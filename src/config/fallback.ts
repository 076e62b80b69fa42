// fallback=/fallback6= values: ldirectord's parse_fallback and
// _ld_read_config_fallback_resolve.

import type { Diagnostics, FallbackDraft } from './draft.js';
import type { Forward } from './model.js';
import type { HostResolver } from './hosts.js';
import { ldGetservbyname, type ServicesTable } from './services.js';
import { perlTrue } from './perl.js';

/** The `:port` suffix ldirectord strips from host[:port] (both in fallbacks and virtual addresses). */
export const PORT_SUFFIX = /(:(\d+|[A-Za-z0-9-_]+))?$/;

/** parse_fallback: `host[:port] [gate|masq|ipip]`; a per-virtual fallback without port takes `vport`. */
export function parseFallback(diag: Diagnostics, line: number, text: string, vport: string | undefined): FallbackDraft {
  let parseLine = text;
  let fwd: string | undefined;
  const a = /(\S+)(\s+(\S+))?\s*$/.exec(parseLine);
  if (a) {
    fwd = a[3];
    parseLine = a[1]!;
  }
  // Always matches (the group is optional), so ldirectord's "invalid fallback server" cannot happen.
  const p = PORT_SUFFIX.exec(parseLine)!;
  let port = p[2];
  const server = parseLine.slice(0, p.index);
  if (port === undefined && vport !== undefined) port = vport;
  if (fwd) {
    if (!(fwd === 'gate' || fwd === 'masq' || fwd === 'ipip')) diag.error(line, 'forward method must be gate, masq or ipip');
  } else {
    fwd = 'gate';
  }
  return { server, port, forward: fwd as Forward };
}

/** _ld_read_config_fallback_resolve: resolve the host for `af` and the port for `protocol`, in place. */
export async function resolveFallback(
  diag: Diagnostics, line: number, protocol: string, fb: FallbackDraft | undefined, af: 4 | 6,
  hosts: HostResolver, services: ServicesTable,
): Promise<void> {
  if (!fb) return;
  const ip = await hosts.resolve(fb.server, af);
  if (!ip) {
    diag.error(line, `invalid ${af === 4 ? 'IPv4' : 'IPv6'} address or could not resolve for fallback server: ${fb.server}`);
  }
  fb.server = ip;
  if (!perlTrue(fb.port)) return;
  const port = ldGetservbyname(fb.port!, protocol, services);
  if (!perlTrue(port)) diag.error(line, 'invalid port for fallback server');
  fb.port = port;
}

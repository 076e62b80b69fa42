// real=/real6= lines, resolved once their block is complete:
// ldirectord's _ld_read_config_real_resolve, add_real_server_range and
// add_real_server. Ranges are numeric, for IPv4 and IPv6 (compat B.3).

import type { Diagnostics, RealDraft, VirtualDraft } from './draft.js';
import type { HostResolver } from './hosts.js';
import type { RealTodo } from './virtual-line.js';
import type { Forward } from './model.js';
import { ldGetservbyname, type ServicesTable } from './services.js';
import { bigIntToIPv6, formatIPv4, formatIPv6, ipv6ToBigInt, parseIPv4Strict, parseIPv6 } from '../util/ip.js';

/** Largest range we expand: a /16 of IPv4. Anything bigger is a typo, not a server farm. */
export const MAX_RANGE = 65536;

// Literal port of ldirectord's (unanchored) real= regex, `[0-9A-fa-f:]` quirk included.
const REAL_RE =
  /(\d+\.\d+\.\d+\.\d+|[A-Za-z0-9.-]+|\[[0-9A-fa-f:]+\])(->(\d+\.\d+\.\d+\.\d+|[A-Za-z0-9.-]+|\[[0-9A-fa-f:]+\]))?(:(\d+|[A-Za-z0-9-_]+))?\s+(.*)/;

/** The part of a real line after the address: forward, weight, request/receive, thresholds. */
type RealFlags = Omit<RealDraft, 'line' | 'server' | 'port'>;

/** Resolve every collected real= line of a block into `v.reals`, in order. */
export async function resolveReals(
  diag: Diagnostics, v: VirtualDraft, todo: readonly RealTodo[], hosts: HostResolver, services: ServicesTable,
): Promise<void> {
  for (const { text, line } of todo) {
    const m = REAL_RE.exec(text);
    if (!m) diag.error(line, 'invalid address for real server (wrong format)');
    const ip1 = m[1]!;
    const ip2 = m[3];
    const port = m[5] ?? '0';
    const first = await hosts.resolve(ip1, v.af);
    if (first === undefined) diag.error(line, `invalid address (${ip1}) for real server (could not resolve host)`);
    const rport = ldGetservbyname(port, '', services);
    if (rport === undefined) diag.error(line, `invalid port (${port}) for real server (could not resolve port)`);
    if (ip2 !== undefined) {
      const last = await hosts.resolve(ip2, v.af);
      if (last === undefined) diag.error(line, `invalid address (${ip2}) for real server (could not resolve end host)`);
      // ldirectord checks the range before the flags (add_real_server runs per address).
      const servers = expandRange(diag, line, first, last, v.af);
      const flags = parseFlags(diag, line, m[6]!);
      for (const server of servers) v.reals.push(makeReal(line, server, rport, flags));
    } else {
      v.reals.push(makeReal(line, first, rport, parseFlags(diag, line, m[6]!)));
    }
  }
}

function makeReal(line: number, server: string, port: string, f: RealFlags): RealDraft {
  return { line, server, port, ...f };
}

/** Every server string of `first`..`last` (inclusive, numeric order). */
export function expandRange(diag: Diagnostics, line: number, first: string, last: string, af: 4 | 6): string[] {
  const bare = (s: string): string => s.replace(/^\[(.*)\]$/, '$1');
  let a: bigint;
  let b: bigint;
  if (af === 4) {
    const x = parseIPv4Strict(first);
    const y = parseIPv4Strict(last);
    if (x === undefined) diag.error(line, `Invalid IP address: ${first}`);
    if (y === undefined) diag.error(line, `Invalid IP address: ${last}`);
    a = BigInt(x);
    b = BigInt(y);
  } else {
    const x = parseIPv6(bare(first));
    const y = parseIPv6(bare(last));
    if (x === undefined) diag.error(line, `Invalid IP address: ${first}`);
    if (y === undefined) diag.error(line, `Invalid IP address: ${last}`);
    a = ipv6ToBigInt(x);
    b = ipv6ToBigInt(y);
  }
  if (a > b) {
    diag.error(line, `Invalid Range: ${first}-${last}: First value must be greater than or equal to the second value`);
  }
  if (b - a + 1n > BigInt(MAX_RANGE)) {
    diag.error(line, `Invalid Range: ${first}-${last}: ${b - a + 1n} addresses, at most ${MAX_RANGE} are allowed`);
  }
  const out: string[] = [];
  for (let i = a; i <= b; i++) {
    out.push(af === 4 ? formatIPv4(Number(i)) : `[${formatIPv6(bigIntToIPv6(i))}]`);
  }
  return out;
}

/** add_real_server's flag parsing (unanchored regexes, applied in ldirectord's order). */
export function parseFlags(diag: Diagnostics, line: number, text: string): RealFlags {
  const fm = /(\w+)(.*)/.exec(text);
  if (!(fm && (fm[1] === 'gate' || fm[1] === 'masq' || fm[1] === 'ipip'))) {
    diag.error(line, 'forward method must be gate, masq or ipip');
  }
  const out: RealFlags = { forward: fm[1] as Forward, weight: '1' };
  let flags = fm[2]!;
  let m: RegExpExecArray | null;
  if ((m = /\s+(\d+)(.*)/.exec(flags))) {
    out.weight = m[1]!;
    flags = m[2]!;
  }
  if ((m = /\s+"(.*)"[, ]\s*"(.*)"(.*)/.exec(flags))) {
    out.request = m[1]!;
    if (out.request.startsWith('/')) {
      // ldirectord tests `request =~ /^\//` before reading $2 and $3: the successful match
      // clears them, so the receive string is dropped (the virtual's applies, and the URL is
      // built from the virtual's request) and nothing after it (thresholds, junk) is read.
      return out;
    }
    out.request = `/${out.request}`;
    out.receive = m[2]!;
    flags = m[3]!;
  }
  if ((m = /\s+l:(\d+)(.*)/.exec(flags))) {
    out.lThreshold = m[1]!;
    flags = m[2]!;
  }
  if ((m = /\s+u:(\d+)(.*)/.exec(flags))) {
    out.uThreshold = m[1]!;
    flags = m[2]!;
  }
  if (/\S/.test(flags)) diag.error(line, `Invalid real server line, around "${flags}"`);
  return out;
}

// read_config: the line loop. Global lines and virtual blocks are handled in
// file order; a block's fallback, address and reals are resolved when the
// block ends (the protocol is only final then), so errors come out in the
// same order as ldirectord's, and the first one wins.

import os from 'node:os';
import type { Diagnostics, GlobalDraft, ReadOptions, VirtualDraft } from './draft.js';
import { defaultGlobals } from './draft.js';
import { applyGlobalLine } from './global-line.js';
import { applyVirtualLine, type BlockState } from './virtual-line.js';
import { parseFallback, resolveFallback, PORT_SUFFIX } from './fallback.js';
import { resolveReals } from './reals.js';
import { HostResolver } from './hosts.js';
import { ldGetservbyname, servicesTable, type ServicesTable } from './services.js';
import { parseIPv6 } from '../util/ip.js';
import { portToService, virtualIdStr } from './ids.js';

/** What read_config leaves behind: the globals and the virtual services, before ld_setup. */
export interface ReadResult {
  global: GlobalDraft;
  virtuals: VirtualDraft[];
}

/** Lines as Perl's <FH> yields them: each with its "\n", the last one possibly without. */
export function perlLines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

/** Run read_config over `text`. */
export async function readConfig(text: string, diag: Diagnostics, opts: ReadOptions = {}): Promise<ReadResult> {
  const ctx: ReaderCtx = {
    diag, opts,
    hosts: new HostResolver(opts.lookup),
    services: servicesTable(opts.servicesFile),
    hostname: opts.hostname ?? process.env['HOSTNAME'] ?? os.hostname(),
  };
  const g = defaultGlobals();
  const virtuals: VirtualDraft[] = [];
  const seen = new Set<string>();
  const lines = perlLines(text);
  let i = 0;
  while (i < lines.length) {
    let linedata: string | undefined = lines[i++]!;
    // A block ends at the first line it cannot take; that line is read again here (ldirectord's goto).
    while (linedata !== undefined) {
      const vm = /^virtual(6)?\s*=\s*(.*)/.exec(linedata);
      if (!vm) break;
      const b = startBlock(ctx, vm[1] ? 6 : 4, vm[2]!, i);
      virtuals.push(b.state.v);
      // linedata stays the virtual= line until a block line is read: a file ending in a
      // virtual= line re-reads it, and ldirectord then reports "duplicate virtual server".
      while (i < lines.length) {
        const raw = lines[i++]!;
        linedata = raw;
        if (/^\s*#/.test(raw)) continue;
        const cleaned = raw.replace(/#.*/, '').replace(/\t/g, '    ');
        const m = /^ {4,}(.+)/.exec(cleaned);
        if (!m) break;
        applyVirtualLine(b.state, m[1]!, raw, i, diag);
        linedata = undefined;
      }
      await endBlock(ctx, b, g, seen, i);
      if (linedata !== undefined && /^\s*#/.test(linedata)) linedata = undefined;
    }
    if (linedata === undefined) continue;
    if (/^\s*$/.test(linedata) || /^\s*#/.test(linedata)) continue;
    const fb = applyGlobalLine(g, linedata, i, diag, opts);
    if (fb) {
      const tcp = parseFallback(diag, i, fb.text, undefined);
      const udp = parseFallback(diag, i, fb.text, undefined);
      await resolveFallback(diag, i, 'tcp', tcp, fb.af, ctx.hosts, ctx.services);
      await resolveFallback(diag, i, 'udp', udp, fb.af, ctx.hosts, ctx.services);
      if (fb.af === 4) g.fallback = { tcp, udp };
      else g.fallback6 = { tcp, udp };
    }
  }
  return { global: g, virtuals };
}

interface ReaderCtx {
  diag: Diagnostics;
  opts: ReadOptions;
  hosts: HostResolver;
  services: ServicesTable;
  hostname: string;
}

interface OpenBlock {
  state: BlockState;
  ipPort?: string;
}

// The virtual= line itself: address form and %vsrv initialisation.
function startBlock(ctx: ReaderCtx, af: 4 | 6, vattr: string, line: number): OpenBlock {
  let ipPort: string | undefined;
  let fwm: string | undefined;
  let port = '0';
  let m: RegExpExecArray | null;
  if ((m = /^(\d+\.\d+\.\d+\.\d+):([0-9A-Za-z-_]+)/.exec(vattr)) && af === 4) {
    ipPort = `${m[1]}:${m[2]}`;
    port = m[2]!;
  } else if ((m = /^([0-9A-Za-z._+-]+):([0-9A-Za-z-_]+)/.exec(vattr))) {
    ipPort = `${m[1]}:${m[2]}`;
    port = m[2]!;
  } else if ((m = /^(\d+)/.exec(vattr))) {
    fwm = m[1]!;
  } else if (/^\[([0-9A-Fa-f:]+)\]:([0-9A-Za-z-_]+)/.test(vattr) && af === 4) {
    ctx.diag.error(line, 'cannot specify an IPv6 address here. please use "virtual6" instead.');
  } else if ((m = /^\[([0-9A-Fa-f:]+)\]:([0-9A-Za-z-_]+)/.exec(vattr)) && af === 6) {
    if (!parseIPv6(m[1]!)) ctx.diag.error(line, 'invalid ipv6 address for virtual server');
    ipPort = `[${m[1]}]:${m[2]}`;
    port = m[2]!;
  } else {
    ctx.diag.error(line, 'invalid address for virtual server');
  }
  const v: VirtualDraft = {
    line, af,
    protocol: ipPort ? (/:(53|domain)$/.test(ipPort) ? 'udp' : 'tcp') : 'fwm',
    port,
    checktype: 'negotiate', numConnects: '0', scheduler: 'wrr', checkcommand: '/bin/true',
    request: '/', receive: '', login: '', passwd: '', database: '', secret: '',
    checktimeout: -1, checkcount: -1, negotiatetimeout: -1, failurecount: -1,
    httpmethod: 'GET', ops: 'no', reals: [],
  };
  if (fwm !== undefined) {
    v.fwm = fwm;
    v.service = 'none';
  }
  return { state: { v, realTodo: [], hostname: ctx.hostname }, ipPort };
}

// After the block: fallback, virtual address, reals, then the duplicate check at the current line.
async function endBlock(ctx: ReaderCtx, b: OpenBlock, g: GlobalDraft, seen: Set<string>, line: number): Promise<void> {
  const { v } = b.state;
  const diag: Diagnostics = ctx.diag;
  await resolveFallback(diag, b.state.fallbackLine ?? 0, v.protocol, v.fallback, v.af, ctx.hosts, ctx.services);
  if (b.ipPort) {
    const r = await hostServ(ctx, b.ipPort, v.protocol, v.af);
    if (!r) diag.error(v.line, 'invalid address for virtual service');
    v.server = r.server;
    v.port = r.port;
    v.service ??= portToService(v.port);
  }
  await resolveReals(diag, v, b.state.realTodo, ctx.hosts, ctx.services);
  const id = virtualIdStr(v);
  if (seen.has(id)) diag.error(line, 'duplicate virtual server');
  seen.add(id);
  void g;
}

// ld_gethostservbyname for a virtual: `host:port` -> resolved server string and port text.
async function hostServ(ctx: ReaderCtx, ipPort: string, protocol: string, af: 4 | 6): Promise<{ server: string; port: string } | undefined> {
  const m = PORT_SUFFIX.exec(ipPort)!;
  const host = ipPort.slice(0, m.index);
  const ip = await ctx.hosts.resolve(host, af);
  if (!ip) return undefined;
  if (m[2] === undefined) return undefined;
  const port = ldGetservbyname(m[2], protocol, ctx.services);
  if (port === undefined) return undefined;
  return { server: ip, port };
}

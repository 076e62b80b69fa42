// ipvsadm's rule format, both ways: parse `ipvsadm -S -n` into a table, and
// render an IpvsCommand as ipvsadm argv or as one `ipvsadm -R` line. Rendering
// follows ldirectord's argument style, and parse(render(x)) === x.
import type { Forward } from '../config/model.js';
import { IpvsError } from './errors.js';
import { canonicalAddr, makeService, serviceKey } from './table.js';
import type { IpvsCommand, IpvsDest, IpvsService, IpvsServiceEntry, IpvsTable, ServiceKey } from './types.js';

const FORWARD_FLAG: Record<Forward, string> = { gate: '-g', masq: '-m', ipip: '-i' };
const FLAG_FORWARD: Record<string, Forward> = { '-g': 'gate', '-m': 'masq', '-i': 'ipip' };

/** The argv naming a service: `-t ADDR`, `-u ADDR`, `-f MARK [-6]`. */
export function serviceArgs(s: IpvsService): string[] {
  if (s.protocol === 'fwm') return s.af === 6 ? ['-f', s.addr, '-6'] : ['-f', s.addr];
  return [s.protocol === 'tcp' ? '-t' : '-u', s.addr];
}

function serviceOptions(s: IpvsService): string[] {
  const out = ['-s', s.scheduler];
  if (s.persistent !== undefined) {
    out.push('-p', String(s.persistent));
    if (s.netmask !== undefined) out.push('-M', s.netmask);
  }
  if (s.schedflags !== undefined) out.push('-b', s.schedflags);
  if (s.ops) out.push('-o');
  return out;
}

function destOptions(d: IpvsDest): string[] {
  return ['-r', d.addr, FORWARD_FLAG[d.forward], '-w', String(d.weight), '-x', String(d.uThreshold), '-y', String(d.lThreshold)];
}

/** The ipvsadm argv for one command (`['-a', '-t', '127.0.0.1:80', '-r', ...]`). */
export function commandArgs(cmd: IpvsCommand): string[] {
  switch (cmd.op) {
    case 'add-service': return ['-A', ...serviceArgs(cmd.service), ...serviceOptions(cmd.service)];
    case 'edit-service': return ['-E', ...serviceArgs(cmd.service), ...serviceOptions(cmd.service)];
    case 'delete-service': return ['-D', ...serviceArgs(cmd.service)];
    case 'add-dest': return ['-a', ...serviceArgs(cmd.service), ...destOptions(cmd.dest)];
    case 'edit-dest': return ['-e', ...serviceArgs(cmd.service), ...destOptions(cmd.dest)];
    case 'delete-dest': return ['-d', ...serviceArgs(cmd.service), '-r', cmd.addr];
  }
}

/** One `ipvsadm -R` line for a command (no trailing newline). */
export function commandLine(cmd: IpvsCommand): string {
  return commandArgs(cmd).join(' ');
}

interface Rule {
  readonly verb: string;
  readonly service: IpvsService;
  readonly dest?: IpvsDest;
  readonly destAddr?: string;
}

const badRule = (tokens: readonly string[], why: string): IpvsError =>
  new IpvsError('EIPVS_PARSE', `cannot parse ipvsadm rule \`${tokens.join(' ')}': ${why}`);

/** Parses one rule's tokens (`-A -t 127.0.0.1:80 -s wrr -p 300`) into a service and maybe a destination. */
export function parseRule(tokens: readonly string[]): Rule {
  const verb = tokens[0] ?? '';
  if (!['-A', '-E', '-D', '-a', '-e', '-d'].includes(verb)) throw badRule(tokens, 'unknown command');
  let protocol: IpvsService['protocol'] | undefined;
  let addr = '';
  let af: 4 | 6 = 4;
  let scheduler = 'wlc';
  let persistent: number | undefined;
  let netmask: string | undefined;
  let schedflags: string | undefined;
  let ops = false;
  let destAddr: string | undefined;
  let forward: Forward = 'gate';
  let weight = 1;
  let uThreshold = 0;
  let lThreshold = 0;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i]!;
    const arg = (): string => {
      const v = tokens[++i];
      if (v === undefined) throw badRule(tokens, `${t} needs a value`);
      return v;
    };
    switch (t) {
      case '-t': case '-u': protocol = t === '-t' ? 'tcp' : 'udp'; addr = canonicalAddr(arg()); af = addr.startsWith('[') ? 6 : 4; break;
      case '-f': protocol = 'fwm'; addr = arg(); break;
      case '-6': af = 6; break;
      case '-s': scheduler = arg(); break;
      case '-p': {
        const next = tokens[i + 1];
        persistent = next !== undefined && /^\d+$/.test(next) ? Number(tokens[++i]) : 300;
        break;
      }
      case '-M': netmask = arg(); break;
      case '-b': schedflags = arg(); break;
      case '-o': ops = true; break;
      case '-r': destAddr = canonicalAddr(arg()); break;
      case '-g': case '-m': case '-i': forward = FLAG_FORWARD[t]!; break;
      case '-w': weight = Number(arg()); break;
      case '-x': uThreshold = Number(arg()); break;
      case '-y': lThreshold = Number(arg()); break;
      case '--tun-type': case '--pe': arg(); break; // not modelled: ipip is the only tunnel type ldirectord uses
      default: throw badRule(tokens, `unexpected ${t}`);
    }
  }
  if (!protocol) throw badRule(tokens, 'no service');
  const service = makeService({
    protocol, af, addr, scheduler, ops,
    ...(persistent !== undefined ? { persistent } : {}),
    ...(netmask !== undefined ? { netmask } : {}),
    ...(schedflags !== undefined ? { schedflags } : {}),
  });
  if (verb === '-a' || verb === '-e') {
    if (destAddr === undefined) throw badRule(tokens, 'no -r');
    return { verb, service, dest: { addr: destAddr, forward, weight, uThreshold, lThreshold } };
  }
  if (verb === '-d') {
    if (destAddr === undefined) throw badRule(tokens, 'no -r');
    return { verb, service, destAddr };
  }
  return { verb, service };
}

/** Parses one `-R`-style line (or argv) back into the command it renders from. */
export function parseCommand(lineOrArgs: string | readonly string[]): IpvsCommand {
  const tokens = typeof lineOrArgs === 'string' ? lineOrArgs.trim().split(/\s+/) : lineOrArgs;
  const rule = parseRule(tokens);
  switch (rule.verb) {
    case '-A': return { op: 'add-service', service: rule.service };
    case '-E': return { op: 'edit-service', service: rule.service };
    case '-D': return { op: 'delete-service', service: rule.service };
    case '-a': return { op: 'add-dest', service: rule.service, dest: rule.dest! };
    case '-e': return { op: 'edit-dest', service: rule.service, dest: rule.dest! };
    default: return { op: 'delete-dest', service: rule.service, addr: rule.destAddr! };
  }
}

/**
 * Parses `ipvsadm -S -n` output. ipvsadm 1.31 never prints thresholds there, so
 * destinations come back with 0/0 unless the text carries -x/-y (see mergeThresholds).
 */
export function parseSave(text: string): IpvsTable {
  const table = new Map<ServiceKey, { service: IpvsService; dests: Map<string, IpvsDest> }>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const rule = parseRule(line.split(/\s+/));
    const key = serviceKey(rule.service);
    if (rule.verb === '-A') {
      table.set(key, { service: rule.service, dests: new Map() });
    } else if (rule.verb === '-a') {
      const entry = table.get(key);
      if (!entry) throw badRule(line.split(/\s+/), 'destination before its service');
      entry.dests.set(rule.dest!.addr, rule.dest!);
    } else {
      throw badRule(line.split(/\s+/), 'not a save line');
    }
  }
  return table as ReadonlyMap<ServiceKey, IpvsServiceEntry>;
}

/** Renders a table as `ipvsadm -S -n` would (plus -x/-y when non-zero), e.g. for `-R` seeding in tests. */
export function renderSave(table: IpvsTable): string {
  const lines: string[] = [];
  for (const { service, dests } of table.values()) {
    lines.push(['-A', ...serviceArgs(service), ...serviceOptions(service)].join(' '));
    for (const d of dests.values()) {
      const thresholds = [...(d.uThreshold ? ['-x', String(d.uThreshold)] : []), ...(d.lThreshold ? ['-y', String(d.lThreshold)] : [])];
      lines.push(['-a', ...serviceArgs(service), '-r', d.addr, FORWARD_FLAG[d.forward], '-w', String(d.weight), ...thresholds].join(' '));
    }
  }
  return lines.map((l) => l + '\n').join('');
}

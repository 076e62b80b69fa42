// Verification: does a table show the effect of a command? Both backends judge
// outcomes this way, so they report the same thing for the same commands.
import { effectiveDest, makeService, sameDest, sameService, serviceKey } from './table.js';
import type { IpvsCommand, IpvsTable } from './types.js';

/**
 * For each command, whether the table shows its effect. Several commands on the same
 * entry are judged by the last one (the table can only show the final state).
 */
export function effective(commands: readonly IpvsCommand[], table: IpvsTable): boolean[] {
  const target = commands.map((c) => {
    const key = serviceKey(makeService(c.service));
    if (c.op === 'add-dest' || c.op === 'edit-dest') return `${key}#${effectiveDest(c.service, c.dest).addr}`;
    if (c.op === 'delete-dest') return `${key}#${c.addr}`;
    return key;
  });
  const lastOf = new Map<string, number>();
  target.forEach((t, i) => lastOf.set(t, i));
  const verdict = new Map<string, boolean>();
  for (const [t, i] of lastOf) verdict.set(t, shows(commands[i]!, table));
  return target.map((t) => verdict.get(t)!);
}

/** Whether the table shows the effect of one command. */
export function shows(c: IpvsCommand, table: IpvsTable): boolean {
  const service = makeService(c.service);
  const entry = table.get(serviceKey(service));
  switch (c.op) {
    case 'add-service':
    case 'edit-service': return entry !== undefined && sameService(entry.service, service);
    case 'delete-service': return entry === undefined;
    case 'add-dest':
    case 'edit-dest': {
      const want = effectiveDest(c.service, c.dest);
      const have = entry?.dests.get(want.addr);
      return have !== undefined && sameDest(have, want);
    }
    case 'delete-dest': return entry === undefined || !entry.dests.has(c.addr);
  }
}

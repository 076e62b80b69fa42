// Explains a repair: which differences between desired and actual appeared
// behind our back (someone ran ipvsadm by hand) since the last verified table,
// as opposed to our own pending transitions or retries, which were there already.
import { describeDrift } from '../ipvs/diff.js';
import type { DesiredTable, IpvsTable } from '../ipvs/types.js';

/** One log line per difference that the fresh read shows and the last verified table did not. */
export function driftLines(desired: DesiredTable, known: IpvsTable, fresh: IpvsTable): string[] {
  const id = (d: { kind: string; key: string; addr?: string }): string => `${d.kind}|${d.key}|${d.addr ?? ''}`;
  const before = new Set(describeDrift(desired, known).map(id));
  return describeDrift(desired, fresh)
    .filter((d) => !before.has(id(d)))
    .map((d) => `Table drift: ${d.message}: repairing`);
}

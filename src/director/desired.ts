// From the director's state to the table it wants for each owned virtual.
import type { Config, VirtualService } from '../config/model.js';
import { destOf, fallbackDestOf, serviceKey, serviceOf } from '../ipvs/table.js';
import type { DesiredDest, DesiredService, DesiredTable } from '../ipvs/types.js';
import type { PairState } from './director.js';
import type { Pair } from './pairs.js';

/** A stronger claim on a table address wins when two entries map to it. */
const RANK = { keep: 0, 'if-present': 1, must: 2 } as const;

/**
 * Build the desired table: up reals must be there with their weight; down reals
 * are absent, or weight 0 when quiescent; reals without a verdict yet are left
 * as they are; the fallback is there exactly when no real is up.
 */
export function desiredTable(
  config: Config,
  pairsOf: (v: VirtualService) => readonly Pair[],
  stateOf: (p: Pair) => PairState,
  settled: (v: VirtualService) => boolean,
): DesiredTable {
  const table = new Map<string, DesiredService>();
  const readd = config.global.readdquiescent;
  for (const v of config.virtuals) {
    const dests = new Map<string, DesiredDest>();
    const put = (d: DesiredDest): void => {
      const old = dests.get(d.addr);
      if (!old || RANK[d.mode] > RANK[old.mode] || (d.mode === old.mode && d.weight > old.weight)) dests.set(d.addr, d);
    };
    let anyUp = false;
    for (const pair of pairsOf(v)) {
      const state = stateOf(pair);
      const dest = destOf(v, pair.real);
      if (state.status === 'up') {
        anyUp = true;
        put({ ...dest, mode: 'must' });
      } else if (state.status === 'unknown') {
        put({ ...dest, mode: 'keep' });
      } else if (v.quiescent) {
        put({ ...dest, weight: 0, mode: readd || state.placeQuiesced ? 'must' : 'if-present' });
      }
    }
    if (v.fallback) {
      const dest = fallbackDestOf(v, v.fallback);
      if (!settled(v)) put({ ...dest, mode: 'keep' });
      else if (!anyUp) put({ ...dest, mode: 'must' });
    }
    const service = serviceOf(v);
    table.set(serviceKey(service), { service, dests });
  }
  return table;
}

// ldirectord's _restore_service and _remove_service for reals and the fallback:
// what a transition does to the table, with the log line (and alert) decided
// against the director's picture of it ("Added" or "Restored", "Deleted",
// "Quiescent", "Readd Quiescent", or nothing when the table already agrees).
import type { VirtualService } from '../config/model.js';
import { destOf, fallbackDestOf, formatAddr, sameDest } from '../ipvs/table.js';
import { email, log, type DirectorEvent } from './events.js';
import * as msg from './messages.js';
import { removalTarget, type Pair } from './pairs.js';
import type { TableView } from './view.js';

/** _restore_service for a real: add it, or restore its attributes, logging what changed. */
export function restoreReal(view: TableView, pair: Pair, events: DirectorEvent[]): void {
  const { virtual: v, real: r } = pair;
  const want = destOf(v, r);
  const entry = view.dest(v, want.addr);
  if (entry && sameDest(entry, want)) return;
  const line = entry ? msg.restored('real', r.addr, v.addr, r.weight) : msg.added('real', r.addr, v.addr, r.weight);
  events.push(log(line), email(line, v, r.addr, 0));
  view.setDest(v, want);
}

/** How removeReal treats a real that is not in the table. */
export interface RemoveOptions {
  /** readdquiescent=yes: a quiescent real missing from the table is re-added with weight 0. */
  readonly readd: boolean;
  /** Its first verdict (start-up or new on reload): a quiescent real is placed with weight 0. */
  readonly first: boolean;
  /** Epoch ms, for the alert's re-send bookkeeping. */
  readonly now: number;
}

/**
 * _remove_service for a real: quiesce or delete it, as the virtual's quiescent says.
 * Returns true when it placed a quiescent real that was not in the table at its first
 * verdict (the caller keeps that wish until the table shows the entry).
 */
export function removeReal(view: TableView, pair: Pair, o: RemoveOptions, events: DirectorEvent[]): boolean {
  const { virtual: v, real: r } = pair;
  const found = removalTarget(view, pair);
  const secs = Math.floor(o.now / 1000);
  if (!v.quiescent) {
    if (!found) return false;
    const line = msg.deleted('real', found.addr, v.addr, found.mappedFrom);
    events.push(log(line), email(line, v, found.addr, secs));
    view.removeDest(v, found.addr);
    return false;
  }
  if (found) {
    if (found.dest.weight === 0 && found.dest.forward === r.forward) return false;
    const line = msg.quiescent(found.addr, v.addr, found.mappedFrom);
    events.push(log(line), email(line, v, found.addr, secs));
    view.setDest(v, { ...found.dest, weight: 0 });
    return false;
  }
  if (o.readd) {
    events.push(log(msg.readdQuiescent(r.addr, v.addr)), email(msg.quiescent(r.addr, v.addr), v, r.addr, secs));
  } else if (o.first) {
    // ldirectord reaches "in the table with weight 0" by adding then quiescing; we place it directly.
    const line = msg.quiescent(r.addr, v.addr);
    events.push(log(line), email(line, v, r.addr, secs));
  } else {
    return false;
  }
  view.setDest(v, destOf(v, r, 0));
  return !o.readd;
}

/** The fallback's half of fallback_on: add it (weight 1) or restore its attributes. */
export function restoreFallback(view: TableView, v: VirtualService, events: DirectorEvent[]): void {
  if (!v.fallback) return;
  const want = fallbackDestOf(v, v.fallback);
  const entry = view.dest(v, want.addr);
  if (entry && sameDest(entry, want)) return;
  const f = formatAddr(v.fallback.ip, v.fallback.port);
  const line = entry ? msg.restored('fallback', f, v.addr, 1) : msg.added('fallback', f, v.addr, 1);
  events.push(log(line), email(line, v, f, 0));
  view.setDest(v, want);
}

/** The fallback's half of fallback_off: delete it when it is in the table (never quiesced). */
export function removeFallback(view: TableView, v: VirtualService, events: DirectorEvent[]): void {
  if (!v.fallback) return;
  const want = fallbackDestOf(v, v.fallback);
  if (!view.dest(v, want.addr)) return;
  const f = formatAddr(v.fallback.ip, v.fallback.port);
  const line = msg.deleted('fallback', want.addr, v.addr, want.addr === f ? undefined : f);
  events.push(log(line), email(line, v, want.addr, 0));
  view.removeDest(v, want.addr);
}

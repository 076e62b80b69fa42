// The director's picture of the table: the last verified table with the
// effects of every transition since applied on top. Log texts ("Added" vs
// "Restored", "Deleted" or nothing) are decided against it, so a real that
// flaps before its batch lands is still described correctly.
import type { VirtualService } from '../config/model.js';
import { serviceKey, serviceOf } from '../ipvs/table.js';
import type { IpvsDest, IpvsTable, ServiceKey } from '../ipvs/types.js';

/** A mutable copy of the table, keyed by service then destination address. */
export class TableView {
  readonly #services = new Map<ServiceKey, Map<string, IpvsDest>>();
  /** Changes since the last observe, numbered: replayed over a table that was read or verified before them. */
  #journal: { seq: number; redo: () => void }[] = [];
  #seq = 0;

  /**
   * A point in the sequence of changes: pass it to observe() for a table that reflects
   * changes up to here. One mark is outstanding at a time (table passes are serialised),
   * so the changes before it are dropped: the journal holds one pass's worth.
   */
  mark(): number {
    this.#journal = [];
    return this.#seq;
  }

  /**
   * Replace the picture with a table read from IPVS. With `since`, the changes made after
   * that mark (transitions decided while the batch or read was in flight, which the table
   * cannot show yet) are applied again on top; without it, the table is taken as is.
   */
  observe(table: IpvsTable, since?: number): void {
    const later = since === undefined ? [] : this.#journal.filter((j) => j.seq > since);
    this.#services.clear();
    for (const [key, entry] of table) this.#services.set(key, new Map(entry.dests));
    this.#journal = [];
    for (const j of later) this.#do(j.redo, j.seq);
  }

  /** Whether the virtual's service exists. */
  hasService(v: VirtualService): boolean {
    return this.#services.has(keyOf(v));
  }

  /** Record that the virtual's service now exists (empty if new). */
  addService(v: VirtualService): void {
    const key = keyOf(v);
    this.#do(() => {
      if (!this.#services.has(key)) this.#services.set(key, new Map());
    });
  }

  /** Record that the virtual's service is gone. */
  removeService(v: VirtualService): void {
    const key = keyOf(v);
    this.#do(() => void this.#services.delete(key));
  }

  /** The destination at `addr` under the virtual, if any. */
  dest(v: VirtualService, addr: string): IpvsDest | undefined {
    return this.#services.get(keyOf(v))?.get(addr);
  }

  /** All destinations under the virtual. */
  dests(v: VirtualService): IpvsDest[] {
    return [...(this.#services.get(keyOf(v))?.values() ?? [])];
  }

  /** Record a destination as present with these attributes. */
  setDest(v: VirtualService, dest: IpvsDest): void {
    const key = keyOf(v);
    this.#do(() => {
      let dests = this.#services.get(key);
      if (!dests) this.#services.set(key, (dests = new Map()));
      dests.set(dest.addr, dest);
    });
  }

  /** Record a destination as gone. */
  removeDest(v: VirtualService, addr: string): void {
    const key = keyOf(v);
    this.#do(() => void this.#services.get(key)?.delete(addr));
  }

  #do(redo: () => void, seq = ++this.#seq): void {
    redo();
    this.#journal.push({ seq, redo });
  }
}

function keyOf(v: VirtualService): ServiceKey {
  return serviceKey(serviceOf(v));
}

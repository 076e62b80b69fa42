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

  /** Replace the picture with a table read from IPVS. */
  observe(table: IpvsTable): void {
    this.#services.clear();
    for (const [key, entry] of table) this.#services.set(key, new Map(entry.dests));
  }

  /** Whether the virtual's service exists. */
  hasService(v: VirtualService): boolean {
    return this.#services.has(keyOf(v));
  }

  /** Record that the virtual's service now exists (empty if new). */
  addService(v: VirtualService): void {
    const key = keyOf(v);
    if (!this.#services.has(key)) this.#services.set(key, new Map());
  }

  /** Record that the virtual's service is gone. */
  removeService(v: VirtualService): void {
    this.#services.delete(keyOf(v));
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
    let dests = this.#services.get(keyOf(v));
    if (!dests) this.#services.set(keyOf(v), (dests = new Map()));
    dests.set(dest.addr, dest);
  }

  /** Record a destination as gone. */
  removeDest(v: VirtualService, addr: string): void {
    this.#services.get(keyOf(v))?.delete(addr);
  }
}

function keyOf(v: VirtualService): ServiceKey {
  return serviceKey(serviceOf(v));
}

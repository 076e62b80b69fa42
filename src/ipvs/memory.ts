// An in-process IPVS table with ipvsadm 1.31's semantics (port forcing, the
// kernel's error texts and ipvsadm's exit statuses), for tests and the demo.
// It is never picked silently: the daemon chooses it, and logs that it did.
import { effective } from './verify.js';
import { effectiveDest, makeService, sameService, serviceKey, splitAddr } from './table.js';
import type { BatchResult, CommandOutcome, IpvsBackend, IpvsCommand, IpvsDest, IpvsServiceEntry, IpvsTable, ServiceKey } from './types.js';

/** Schedulers the kernel of ipvsadm 1.31's time knows; others fail as ipvsadm reports it. */
export const KNOWN_SCHEDULERS: ReadonlySet<string> = new Set(['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh']);

/** An option error (ipvsadm exits 2 before reaching the kernel). */
const optionError = (error: string) => ({ exitCode: 2, error });
/** A kernel error (ipvsadm prints ipvs_strerror() and returns -1: exit status 255). */
const kernelError = (error: string) => ({ exitCode: 255, error });

/** IpvsBackend over a Map: same outcomes as the ipvsadm program for the same commands. */
export class MemoryBackend implements IpvsBackend {
  readonly name = 'simulated';
  #table = new Map<ServiceKey, { service: IpvsServiceEntry['service']; dests: Map<string, IpvsDest> }>();

  constructor(initial?: IpvsTable) {
    if (initial) for (const [key, e] of initial) this.#table.set(key, { service: e.service, dests: new Map(e.dests) });
  }

  /** A snapshot of the table (later changes do not show in it). */
  async read(): Promise<IpvsTable> {
    return this.snapshot();
  }

  /** The table right now, synchronously (tests, the demo's status page). */
  snapshot(): IpvsTable {
    const out = new Map<ServiceKey, IpvsServiceEntry>();
    for (const [key, e] of this.#table) out.set(key, { service: e.service, dests: new Map(e.dests) });
    return out;
  }

  /**
   * Applies each command in order; a failing one does not stop the others. Like
   * IpvsadmBackend, a command counts as done when the final table shows its effect
   * (adding a dest that is already there, identical, is not a failure).
   */
  async apply(commands: readonly IpvsCommand[]): Promise<BatchResult> {
    const failures = commands.map((command) => this.#run(command));
    const table = this.snapshot();
    const landed = effective(commands, table);
    const outcomes: CommandOutcome[] = commands.map((command, i) => {
      const failure = failures[i];
      return landed[i] || !failure ? { command, ok: true, exitCode: 0 } : { command, ok: false, ...failure };
    });
    return { outcomes, table, spawned: 0 };
  }

  #run(cmd: IpvsCommand): { exitCode: number; error: string } | undefined {
    if ((cmd.op === 'add-service' || cmd.op === 'edit-service') && cmd.service.ops && cmd.service.protocol === 'tcp') {
      return optionError('One-Packet Scheduling is only for UDP virtual services');
    }
    const service = makeService(cmd.service);
    const key = serviceKey(service);
    const cur = this.#table.get(key);
    switch (cmd.op) {
      case 'add-service':
      case 'edit-service': {
        const port = service.protocol === 'fwm' ? 1 : splitAddr(service.addr)?.port;
        if (!port && service.persistent === undefined) return optionError('Zero port specified for non-persistent service');
        if (cmd.op === 'add-service' && cur) return kernelError('Service already exists');
        if (cmd.op === 'edit-service' && !cur) return kernelError('No such service');
        if (!KNOWN_SCHEDULERS.has(service.scheduler)) return kernelError('Scheduler or persistence engine not found');
        if (cur && sameService(cur.service, service)) return undefined;
        this.#table.set(key, { service, dests: cur?.dests ?? new Map() });
        return undefined;
      }
      case 'delete-service':
        if (!cur) return kernelError('No such service');
        this.#table.delete(key);
        return undefined;
      case 'add-dest':
      case 'edit-dest': {
        const dest = effectiveDest(service, cmd.dest);
        const destAf = dest.addr.startsWith('[') ? 6 : 4;
        if (destAf !== service.af && dest.forward !== 'ipip') return optionError('Different address family is allowed only for tunneling servers');
        if (!cur) return kernelError('Service not defined');
        const exists = cur.dests.has(dest.addr);
        if (cmd.op === 'add-dest' && exists) return kernelError('Destination already exists');
        if (cmd.op === 'edit-dest' && !exists) return kernelError('No such destination');
        if (dest.lThreshold > dest.uThreshold) return kernelError('Numerical result out of range');
        cur.dests.set(dest.addr, dest);
        return undefined;
      }
      case 'delete-dest': {
        if (!cur) return kernelError('Service not defined');
        if (!cur.dests.delete(cmd.addr)) return kernelError('No such destination');
        return undefined;
      }
    }
  }
}

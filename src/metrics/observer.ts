// What the daemon counts about itself: check results, transitions, ipvsadm
// batches. Always on (it is a few map updates per verdict); the report reads
// consecutive failures from it, the metrics endpoint renders its registry.
import { CheckCode, type CheckResult } from '../checks/result.js';
import type { Config } from '../config/model.js';
import type { Director, RealStatus } from '../director/director.js';
import { destOf, serviceKey, serviceOf } from '../ipvs/table.js';
import type { BatchResult, IpvsTable } from '../ipvs/types.js';
import type { CheckJob } from '../scheduler/plan.js';
import type { SchedulerStats } from '../scheduler/scheduler.js';
import { Registry, type Counter, type Histogram } from './registry.js';

/** ldirectord's version string, as ldirectord_info reports it. */
export const LD_VERSION = '1.186-ha';

/** Check duration buckets, seconds: from a loopback connect to a negotiatetimeout of 30 s. */
const DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Live state the gauges read at scrape time. */
export interface ObservedSources {
  readonly config: () => Config;
  readonly director: () => Pick<Director, 'pairState' | 'desired'>;
  readonly table: () => IpvsTable | undefined;
  readonly scheduler: () => SchedulerStats | undefined;
}

/** Counters of one daemon and the registry that exposes them. */
export class Observer {
  readonly registry = new Registry();
  readonly #consecutive = new Map<string, number>();
  /** Last status seen per pair key, to count transitions. */
  readonly #status = new Map<string, RealStatus>();
  readonly #results: Counter;
  readonly #inconclusive: Counter;
  readonly #duration: Histogram;
  readonly #transitions: Counter;
  readonly #batches: Counter;
  readonly #batchFailures: Counter;
  readonly #commands: Counter;
  readonly #commandFailures: Counter;
  readonly #spawned: Counter;

  constructor(src: ObservedSources) {
    const r = this.registry;
    r.gauge('ldirectord_info', 'Implementation and the ldirectord version it replaces.', (set) =>
      set({ version: LD_VERSION, implementation: 'ldirectord-ts' }, 1));
    r.gauge('ldirectord_real_up', 'Whether the real server is up (1) or down (0) for the virtual; absent before its first verdict.', (set) => {
      const d = src.director();
      for (const v of src.config().virtuals) {
        for (const real of v.reals) {
          const s = d.pairState(v, real)?.status;
          if (s === 'up' || s === 'down') set({ virtual: v.id, real: real.addr }, s === 'up' ? 1 : 0);
        }
      }
    });
    r.gauge('ldirectord_real_weight', 'Weight of the real server in the last verified IPVS table; absent when not in the table.', (set) => {
      const table = src.table();
      for (const v of src.config().virtuals) {
        const dests = table?.get(serviceKey(serviceOf(v)))?.dests;
        for (const real of v.reals) {
          const w = dests?.get(destOf(v, real).addr)?.weight;
          if (w !== undefined) set({ virtual: v.id, real: real.addr }, w);
        }
      }
    });
    r.gauge('ldirectord_real_configured_weight', 'Weight of the real server in the config.', (set) => {
      for (const v of src.config().virtuals) for (const real of v.reals) set({ virtual: v.id, real: real.addr }, real.weight);
    });
    r.gauge('ldirectord_fallback_active', 'Whether the virtual should be served by its fallback server (no real up).', (set) => {
      const desired = src.director().desired();
      for (const v of src.config().virtuals) {
        if (!v.fallback) continue;
        const dests = desired.get(serviceKey(serviceOf(v)))?.dests;
        const active = [...(dests?.values() ?? [])].some((d) => d.mode === 'must' && !v.reals.some((x) => destOf(v, x).addr === d.addr));
        set({ virtual: v.id }, active ? 1 : 0);
      }
    });
    this.#duration = r.histogram('ldirectord_check_duration_seconds', 'Duration of check attempts.', DURATION_BUCKETS);
    this.#results = r.counter('ldirectord_check_results_total', 'Check attempts by check type and result code (L4OK, L7STS, L4TOUT ...).');
    this.#inconclusive = r.counter('ldirectord_checks_inconclusive_total', 'Check attempts that timed out while the event loop lagged (no verdict).');
    this.#transitions = r.counter('ldirectord_real_transitions_total', 'State changes of a real server within a virtual, by new state.');
    this.#batches = r.counter('ldirectord_ipvsadm_batches_total', 'Batches of table changes applied.');
    this.#batchFailures = r.counter('ldirectord_ipvsadm_batch_failures_total', 'Batches in which at least one command failed.');
    this.#commands = r.counter('ldirectord_ipvsadm_commands_total', 'Table change commands applied.');
    this.#commandFailures = r.counter('ldirectord_ipvsadm_command_failures_total', 'Table change commands that failed.');
    this.#spawned = r.counter('ldirectord_ipvsadm_processes_total', 'ipvsadm processes spawned for batches (verification reads included).');
    const stat = (f: (s: SchedulerStats) => number) => (set: (l: Record<string, string>, v: number) => void) => {
      const s = src.scheduler();
      if (s) set({}, f(s));
    };
    r.gauge('ldirectord_event_loop_lag_p99_seconds', '99th percentile of the event loop delay since start.', stat((s) => s.loop.p99Ms / 1000));
    r.gauge('ldirectord_event_loop_lag_max_seconds', 'Largest event loop delay since start.', stat((s) => s.loop.maxMs / 1000));
    r.gauge('ldirectord_scheduler_jobs', 'Unique checks scheduled.', stat((s) => s.jobs));
    r.gauge('ldirectord_scheduler_in_flight', 'Check attempts running now.', stat((s) => s.inFlight));
    r.gauge('ldirectord_scheduler_max_in_flight', 'Most check attempts ever running at once.', stat((s) => s.maxInFlight));
    r.gauge('ldirectord_scheduler_queued', 'Check attempts waiting for the concurrency cap.', stat((s) => s.queued));
    r.gauge('ldirectord_scheduler_max_lateness_seconds', 'Worst delay of an attempt start behind its schedule.', stat((s) => s.maxLatenessMs / 1000));
    r.collectedCounter('ldirectord_scheduler_checks_completed_total', 'Check attempts completed.', stat((s) => s.completed));
    r.collectedCounter('ldirectord_scheduler_runs_skipped_total', 'Runs not started because the previous attempt was still running.', stat((s) => s.skipped));
  }

  /** A check attempt finished (before the director sees it). */
  result(checkId: string, result: CheckResult, job: CheckJob): void {
    const check = job.kind === 'negotiate' && job.service ? job.service : job.kind;
    this.#results.inc({ check, code: result.code });
    this.#duration.observe({ check }, result.durationMs / 1000);
    if (result.code === CheckCode.INCONCLUSIVE) {
      this.#inconclusive.inc();
      return;
    }
    this.#consecutive.set(checkId, result.ok ? 0 : (this.#consecutive.get(checkId) ?? 0) + 1);
  }

  /** After the director took a verdict: count the pairs whose status changed. */
  transitions(job: CheckJob, director: Pick<Director, 'pairState'>): void {
    for (const { virtual, real } of job.targets) {
      const now = director.pairState(virtual, real)?.status ?? 'unknown';
      const key = `${virtual.id}|${real.checkId}`;
      const before = this.#status.get(key) ?? 'unknown';
      this.#status.set(key, now);
      if (now !== before && now !== 'unknown') this.#transitions.inc({ virtual: virtual.id, real: real.addr, to: now });
    }
  }

  /** A batch was applied (TableSync's onBatch). */
  batch(result: BatchResult): void {
    const failed = result.outcomes.filter((o) => !o.ok).length;
    this.#batches.inc();
    if (failed) this.#batchFailures.inc();
    this.#commands.inc({}, result.outcomes.length);
    this.#commandFailures.inc({}, failed);
    this.#spawned.inc({}, result.spawned);
  }

  /** Failed verdicts in a row for a check. */
  consecutiveFailures(checkId: string): number {
    return this.#consecutive.get(checkId) ?? 0;
  }

  /** The text exposition. */
  render(): string {
    return this.registry.render();
  }
}

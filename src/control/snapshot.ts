// The status snapshot the control socket serves (`report`): per virtual and
// real, the state, the weight in the table vs the configured one, the last
// verdicts (the history that explains WHY a real is down), and the fallback.
// Built from the director's state, the last verified table and the scheduler's
// counters; pure, so it is tested without a daemon.
import type { CheckResult } from '../checks/result.js';
import { CheckCode } from '../checks/result.js';
import type { Config, RealServer, VirtualService } from '../config/model.js';
import type { Director } from '../director/director.js';
import { destOf, fallbackDestOf, serviceKey, serviceOf } from '../ipvs/table.js';
import type { DesiredTable, IpvsTable } from '../ipvs/types.js';
import type { SchedulerStats } from '../scheduler/scheduler.js';

/** What the report calls a real's condition. */
export type RealStateName = 'up' | 'down' | 'quiescent' | 'maintenance' | 'fallback' | 'unknown';

/** One check verdict, as reported. */
export interface Verdict {
  readonly ok: boolean;
  readonly code: string;
  readonly message: string;
  readonly durationMs: number;
  /** Epoch ms the attempt started. */
  readonly at: number;
}

/** One real of one virtual. */
export interface RealReport {
  /** `ip:port` as configured. */
  readonly real: string;
  /** Where IPVS holds it (gate/ipip: the virtual's port). */
  readonly tableAddr: string;
  readonly forward: string;
  readonly state: RealStateName;
  /** Weight in the last verified table; null when the real is not in the table. */
  readonly tableWeight: number | null;
  readonly configuredWeight: number;
  readonly checkId: string;
  readonly last?: Verdict;
  /** Failed verdicts in a row (inconclusive ones neither count nor reset). */
  readonly consecutiveFailures: number;
  /** The director's soft-failure counter against failurecount. */
  readonly failcount: number;
  readonly failurecount: number;
  /** Epoch ms of the last transition (or of adoption, while unknown). */
  readonly since: number;
  /** Most recent verdicts, newest last. */
  readonly history: readonly Verdict[];
}

/** The fallback server of a virtual. */
export interface FallbackReport {
  readonly real: string;
  readonly tableAddr: string;
  /** 'fallback' while it should serve (no real up), else 'down' (standing by), 'unknown' before the first verdicts. */
  readonly state: 'fallback' | 'down' | 'unknown';
  readonly tableWeight: number | null;
  readonly configuredWeight: number;
}

/** One virtual service. */
export interface VirtualReport {
  /** `tcp:127.0.0.1:80`, `fwm:1` (ldirectord's virtual id). */
  readonly virtual: string;
  readonly scheduler: string;
  readonly checktype: string;
  readonly service: string;
  readonly quiescent: boolean;
  /** Whether the service exists in the last verified table. */
  readonly inTable: boolean;
  readonly reals: readonly RealReport[];
  readonly fallback?: FallbackReport;
}

/** The whole report. */
export interface StatusSnapshot {
  readonly version: string;
  readonly implementation: 'ldirectord-ts';
  readonly pid: number;
  readonly config: string;
  readonly shadow: boolean;
  /** Backend name: the ipvsadm path, or `simulated`. */
  readonly ipvs: string;
  /** Actual listen address of the metrics endpoint, when enabled. */
  readonly metrics?: string;
  readonly startedAt: number;
  readonly now: number;
  readonly scheduler?: SchedulerStats;
  readonly virtuals: readonly VirtualReport[];
}

/** What the snapshot is built from. */
export interface SnapshotSources {
  readonly config: Config;
  readonly director: Pick<Director, 'pairState' | 'checkState' | 'desired'>;
  /** Last verified table (undefined before the first read). */
  readonly table: IpvsTable | undefined;
  readonly consecutiveFailures: (checkId: string) => number;
  readonly scheduler?: SchedulerStats;
  readonly pid: number;
  readonly shadow: boolean;
  readonly ipvs: string;
  readonly metrics?: string;
  readonly startedAt: number;
  readonly now: number;
  readonly version: string;
}

/** Build the snapshot. */
export function buildSnapshot(src: SnapshotSources): StatusSnapshot {
  const desired = src.director.desired();
  return {
    version: src.version,
    implementation: 'ldirectord-ts',
    pid: src.pid,
    config: src.config.file,
    shadow: src.shadow,
    ipvs: src.ipvs,
    ...(src.metrics ? { metrics: src.metrics } : {}),
    startedAt: src.startedAt,
    now: src.now,
    ...(src.scheduler ? { scheduler: src.scheduler } : {}),
    virtuals: src.config.virtuals.map((v) => virtualReport(src, desired, v)),
  };
}

function virtualReport(src: SnapshotSources, desired: DesiredTable, v: VirtualService): VirtualReport {
  const key = serviceKey(serviceOf(v));
  const entry = src.table?.get(key);
  const weightAt = (addr: string): number | null => entry?.dests.get(addr)?.weight ?? null;
  const reals = v.reals.map((r) => realReport(src, v, r, weightAt));
  let fallback: FallbackReport | undefined;
  if (v.fallback) {
    const dest = fallbackDestOf(v, v.fallback);
    const want = desired.get(key)?.dests.get(dest.addr);
    const settled = reals.some((r) => r.state === 'up') || reals.every((r) => r.state !== 'unknown');
    fallback = {
      real: dest.addr,
      tableAddr: dest.addr,
      state: !settled ? 'unknown' : want?.mode === 'must' ? 'fallback' : 'down',
      tableWeight: weightAt(dest.addr),
      configuredWeight: dest.weight,
    };
  }
  return {
    virtual: v.id,
    scheduler: v.scheduler,
    checktype: v.checktype === 'negotiate' ? `negotiate/${v.service}` : String(v.checktype),
    service: v.service,
    quiescent: v.quiescent,
    inTable: entry !== undefined,
    reals,
    ...(fallback ? { fallback } : {}),
  };
}

function realReport(
  src: SnapshotSources,
  v: VirtualService,
  r: RealServer,
  weightAt: (addr: string) => number | null,
): RealReport {
  const pair = src.director.pairState(v, r);
  const check = src.director.checkState(r.checkId);
  const tableAddr = destOf(v, r).addr;
  const tableWeight = weightAt(tableAddr);
  const last = check?.last;
  let state: RealStateName = pair?.status ?? 'unknown';
  if (state === 'down') {
    if (last?.code === CheckCode.MAINT) state = 'maintenance';
    else if (v.quiescent && tableWeight === 0) state = 'quiescent';
  }
  return {
    real: r.addr,
    tableAddr,
    forward: r.forward,
    state,
    tableWeight,
    configuredWeight: r.weight,
    checkId: r.checkId,
    ...(last ? { last: verdictOf(last) } : {}),
    consecutiveFailures: src.consecutiveFailures(r.checkId),
    failcount: check?.failcount ?? 0,
    failurecount: v.failurecount,
    since: pair?.since || src.startedAt,
    history: (check?.history ?? []).map(verdictOf),
  };
}

function verdictOf(r: CheckResult): Verdict {
  return { ok: r.ok, code: r.code, message: r.message, durationMs: r.durationMs, at: r.startedAt };
}

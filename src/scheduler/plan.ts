// From a Config to the set of unique check jobs: ldirectord's _ld_main_check_all
// (one check per get_real_id_str, the first virtual's settings win) and the
// checktype half of _check_real (which check, bounded by which timeout), as data.
// Pure: no I/O, no timers; the scheduler runs what this describes.
import type { Config, Service, VirtualService } from '../config/model.js';
import type { CheckTarget } from '../checks/types.js';

/** What a job runs each interval (checktype, after ldirectord's udp connect -> ping rewrite). */
export type JobKind = 'negotiate' | 'connect' | 'ping' | 'external' | 'external-perl' | 'on' | 'combined';

/** One unique check: run once per interval, its verdict applies to every target. */
export interface CheckJob {
  /** RealServer.checkId shared by all targets. */
  readonly checkId: string;
  readonly kind: JobKind;
  /** Every virtual/real pair with this checkId, in config order; targets[0]'s settings are used. */
  readonly targets: readonly CheckTarget[];
  /** targets[0].virtual.checkinterval in ms. */
  readonly intervalMs: number;
  /** Deadline of the main check (the negotiate step for 'combined'). */
  readonly deadlineMs: number;
  /** 'negotiate' and 'combined': the service dialogue. */
  readonly service?: Service;
  /** 'combined' (checktype=N): N connect checks between negotiate checks. */
  readonly numConnects?: number;
  /** 'combined': deadline of the connect steps (checktimeout). */
  readonly connectDeadlineMs?: number;
  /** Global maintenancedir: consulted before every attempt. */
  readonly maintenanceDir?: string;
}

/**
 * Slack added to a ping deadline: Net::Ping's per-attempt timeout is the bound
 * ldirectord honours, our deadline is only the backstop behind pingCheck's own.
 */
export const PING_SLACK_MS = 500;

// ldirectord bounds these negotiate dialogues by an alarm of checktimeout
// (check_ldap, check_radius); every other service by negotiatetimeout.
const CHECKTIMEOUT_SERVICES: ReadonlySet<Service> = new Set<Service>(['ldap', 'ldaps', 'radius']);

/** Deadline of a negotiate check of `v`, in ms, as ldirectord's alarm()s bound it. */
export function negotiateDeadlineMs(v: VirtualService): number {
  return (CHECKTIMEOUT_SERVICES.has(v.service) ? v.checktimeout : v.negotiatetimeout) * 1000;
}

/** Build the unique check jobs of a config; checktype=off virtuals contribute none. */
export function planChecks(config: Config): CheckJob[] {
  const maintenanceDir = config.global.maintenancedir;
  const byId = new Map<string, { first: VirtualService; targets: CheckTarget[] }>();
  for (const virtual of config.virtuals) {
    if (virtual.checktype === 'off') continue;
    for (const real of virtual.reals) {
      const found = byId.get(real.checkId);
      if (found) found.targets.push({ virtual, real });
      else byId.set(real.checkId, { first: virtual, targets: [{ virtual, real }] });
    }
  }
  const jobs: CheckJob[] = [];
  for (const [checkId, { first, targets }] of byId) {
    jobs.push({
      checkId,
      targets,
      intervalMs: first.checkinterval * 1000,
      ...(maintenanceDir ? { maintenanceDir } : {}),
      ...dispatch(first),
    });
  }
  return jobs;
}

type Dispatch = Pick<CheckJob, 'kind' | 'deadlineMs' | 'service' | 'numConnects' | 'connectDeadlineMs'>;

// _check_real's elsif chain, minus maintenance (the scheduler does that per attempt).
function dispatch(v: VirtualService): Dispatch {
  const checkMs = v.checktimeout * 1000;
  switch (v.checktype) {
    case 'negotiate':
      return { kind: 'negotiate', service: v.service, deadlineMs: negotiateDeadlineMs(v) };
    case 'connect':
      // check_connect is never used for udp: ldirectord pings instead.
      return v.protocol === 'udp' ? pingDispatch(v) : { kind: 'connect', deadlineMs: checkMs };
    case 'ping':
      return pingDispatch(v);
    case 'external':
    case 'external-perl':
      return { kind: v.checktype, deadlineMs: checkMs };
    case 'on':
      // No I/O; the deadline only bounds the maintenance lookup.
      return { kind: 'on', deadlineMs: checkMs };
    case 'combined':
      return {
        kind: 'combined',
        service: v.service,
        numConnects: v.numConnects,
        deadlineMs: negotiateDeadlineMs(v),
        connectDeadlineMs: checkMs,
      };
    case 'off':
      throw new Error('unreachable: off virtuals are skipped');
  }
}

// check_ping: up to checkcount echoes, each waiting checktimeout.
function pingDispatch(v: VirtualService): Dispatch {
  return { kind: 'ping', deadlineMs: v.checkcount * v.checktimeout * 1000 + PING_SLACK_MS };
}

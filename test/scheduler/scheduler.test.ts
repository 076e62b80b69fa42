// CheckScheduler: concurrency, deadlines, the cap, reloads, stop, schedule discipline.
// Schedules are driven by a manual clock; socket tests use real loopback servers and
// assert on counts and order, never on elapsed time.
import { afterEach, describe, expect, it } from '@jest/globals';
import { CheckScheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { planChecks, type CheckJob } from '../../src/scheduler/plan.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import type { CheckFn } from '../../src/checks/types.js';
import type { VirtualService } from '../../src/config/model.js';
import {
  ManualClock, config, factoryOf, fail, hangingCheck, pass, real, tcpGreetingCheck, tcpServer, until, virtual,
} from './helpers.js';

const started: CheckScheduler[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

type Seen = { id: string; result: CheckResult; job: CheckJob };

function makeScheduler(opts: Partial<SchedulerOptions> & Pick<SchedulerOptions, 'factory'>) {
  const seen: Seen[] = [];
  const sched = new CheckScheduler({
    onResult: (id, result, job) => seen.push({ id, result, job }),
    startSpreadMs: 0,
    random: () => 0,
    jitter: 0,
    timerSlackMs: 0, // exact times; the grid has its own test
    ...opts,
  });
  started.push(sched);
  return { sched, seen };
}

// Jobs for `n` connect reals on one virtual, interval and deadline overridable.
function connectJobs(n: number, over: Partial<VirtualService> = {}, intervalMs?: number): CheckJob[] {
  const reals = Array.from({ length: n }, (_, i) => real(`127.0.0.${i + 2}`, 80));
  const jobs = planChecks(config([virtual({ checktype: 'connect', reals, ...over })]));
  return intervalMs === undefined ? jobs : jobs.map((j) => ({ ...j, intervalMs }));
}

// A check that takes `ms` of the manual clock and records its start times.
function timedCheck(clock: ManualClock, ms: number, starts: number[], active = { now: 0, max: 0 }): CheckFn {
  return (_t, signal) => {
    starts.push(clock.now());
    active.max = Math.max(active.max, ++active.now);
    return new Promise((resolve) => {
      const h = clock.setTimeout(() => { active.now--; resolve(pass()); }, ms);
      signal.addEventListener('abort', () => { clock.clearTimeout(h); active.now--; resolve(fail(CheckCode.L4TOUT)); });
    });
  };
}

describe('schedule discipline (manual clock)', () => {
  it('runs every interval from the previous scheduled time, without drift', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const { sched, seen } = makeScheduler({ clock, lag: false, factory: factoryOf({ connect: timedCheck(clock, 3000, starts) }) });
    const t0 = clock.now();
    sched.update(connectJobs(1, {}, 10_000));
    await clock.advance(35_000);
    expect(starts.map((t) => t - t0)).toEqual([0, 10_000, 20_000, 30_000]);
    expect(seen.map((s) => s.result.ok)).toEqual([true, true, true, true]);
  });

  it('never overlaps a job with itself: a due run is skipped and counted', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const active = { now: 0, max: 0 };
    const { sched } = makeScheduler({
      clock, lag: false, factory: factoryOf({ connect: timedCheck(clock, 25_000, starts, active) }),
    });
    const t0 = clock.now();
    sched.update(connectJobs(1, { checktimeout: 60 }, 10_000));
    await clock.advance(30_000);
    expect(starts.map((t) => t - t0)).toEqual([0, 30_000]);
    expect(active.max).toBe(1);
    expect(sched.stats().skipped).toBe(2);
  });

  it('caps the first-run spread at startSpreadMs, not the whole interval', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    let x = 0;
    const { sched } = makeScheduler({
      clock, lag: false, startSpreadMs: 1000, random: () => (x = (x + 0.37) % 1),
      factory: factoryOf({ connect: timedCheck(clock, 1, starts) }),
    });
    sched.update(connectJobs(10, {}, 60_000));
    await clock.advance(1000);
    expect(starts).toHaveLength(10);
  });

  it('spreads a big batch of new jobs at startRate rather than within startSpreadMs', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    let x = 0;
    const { sched } = makeScheduler({
      clock, lag: false, startSpreadMs: 1000, startRate: 10, random: () => (x = (x + 0.37) % 1),
      factory: factoryOf({ connect: timedCheck(clock, 1, starts) }),
    });
    sched.update(connectJobs(50, {}, 60_000)); // 50 new jobs at 10/s: over 5 s, not 1 s
    await clock.advance(1000);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.length).toBeLessThan(25);
    await clock.advance(4000);
    expect(starts.length).toBeGreaterThanOrEqual(50);
  });

  it('spreads first runs over the whole interval at most, and then each job runs once per interval', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    let x = 0;
    const { sched } = makeScheduler({
      // Multiples of 1/8: exact in binary, so no run lands a float's width off an interval boundary.
      clock, lag: false, startSpreadMs: 1000, startRate: 10, jitter: 0, random: () => (x = (x + 0.375) % 1),
      factory: factoryOf({ connect: timedCheck(clock, 1, starts) }),
    });
    const t0 = clock.now();
    const jobs = ['a', 'b', 'c', 'd'].flatMap((k) => connectJobs(250, {}, 20_000).map((j) => ({ ...j, checkId: `${k}:${j.checkId}` })));
    sched.update(jobs); // 1000 new jobs at 10/s would take 100 s: capped at the 20 s interval
    for (let i = 0; i < 3; i++) {
      await clock.advance(20_000);
      // Exactly one run per job per interval, the first interval included (its first run is its phase).
      expect(starts.filter((t) => t - t0 >= i * 20_000 && t - t0 < (i + 1) * 20_000)).toHaveLength(1000);
    }
  });

  it('with timerSlackMs, runs due within one slot start together at its end, and so do their deadlines', async () => {
    const clock = new ManualClock(); // starts on a multiple of 25 ms
    const starts: number[] = [];
    const offsets = [0.0001, 0.0004, 0.0011, 0.0024]; // of the 10 s spread: 1, 4, 11 and 24 ms in
    let k = 0;
    const { sched, seen } = makeScheduler({
      clock, lag: false, startSpreadMs: 10_000, timerSlackMs: 25, random: () => offsets[k++ % offsets.length]!,
      factory: factoryOf({ connect: hangingCheck(CheckCode.L4TOUT, [], () => starts.push(clock.now())) }),
    });
    const t0 = clock.now();
    sched.update(connectJobs(4, { checktimeout: 1 }, 10_000));
    await clock.advance(24);
    expect(starts).toEqual([]); // exact timers would have started three by now
    await clock.advance(1);
    expect(starts).toEqual([t0 + 25, t0 + 25, t0 + 25, t0 + 25]); // one wake-up for the slot
    await clock.advance(999);
    expect(seen).toHaveLength(0);
    await clock.advance(1); // deadlines at t0 + 1025, together
    expect(seen.map((s) => s.result.code)).toEqual([CheckCode.L4TOUT, CheckCode.L4TOUT, CheckCode.L4TOUT, CheckCode.L4TOUT]);
  });

  it('aborts a hung check at its deadline with the check\'s own timeout code', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const { sched, seen } = makeScheduler({ clock, lag: false, factory: factoryOf({ connect: hangingCheck(CheckCode.L4TOUT, signals) }) });
    sched.update(connectJobs(1, { checktimeout: 5 }, 60_000));
    await clock.advance(4999);
    expect(seen).toHaveLength(0);
    await clock.advance(1);
    expect(seen.map((s) => s.result.code)).toEqual([CheckCode.L4TOUT]);
    expect((signals[0]!.reason as { code: string }).code).toBe('ECHECKTIMEOUT');
    expect(sched.stats().inFlight).toBe(0);
  });

  it('gives up on a check that ignores abort after the grace period', async () => {
    const clock = new ManualClock();
    const { sched, seen } = makeScheduler({
      clock, lag: false, graceMs: 1000, factory: factoryOf({ connect: () => new Promise<CheckResult>(() => {}) }),
    });
    sched.update(connectJobs(1, { checktimeout: 5 }, 60_000));
    await clock.advance(5000);
    expect(seen).toHaveLength(0);
    await clock.advance(1000);
    expect(seen.map((s) => s.result.code)).toEqual([CheckCode.L4TOUT]);
    expect(sched.stats().inFlight).toBe(0);
  });

  it('queues beyond maxConcurrent and completes everything (cap 2, 5 jobs)', async () => {
    const clock = new ManualClock();
    const active = { now: 0, max: 0 };
    const starts: number[] = [];
    const { sched, seen } = makeScheduler({
      clock, lag: false, maxConcurrent: 2, factory: factoryOf({ connect: timedCheck(clock, 1000, starts, active) }),
    });
    sched.update(connectJobs(5, {}, 60_000));
    await clock.advance(0);
    expect(sched.stats()).toMatchObject({ inFlight: 2, queued: 3 });
    await clock.advance(3000);
    expect(new Set(seen.map((s) => s.id)).size).toBe(5);
    expect(active.max).toBe(2);
    expect(sched.stats()).toMatchObject({ maxInFlight: 2, inFlight: 0, queued: 0, completed: 5 });
    expect(sched.stats().maxLatenessMs).toBe(2000); // the fifth waited two turns: queueing counts as lateness
  });

  it('turns a throwing check into INCONCLUSIVE and keeps scheduling', async () => {
    const clock = new ManualClock();
    let n = 0;
    const { sched, seen } = makeScheduler({
      clock, lag: false,
      factory: factoryOf({ connect: async () => { if (n++ === 0) throw new Error('boom'); return pass(); } }),
    });
    sched.update(connectJobs(1, {}, 10_000));
    await clock.advance(10_000);
    expect(seen.map((s) => [s.result.code, s.result.ok])).toEqual([[CheckCode.INCONCLUSIVE, false], [CheckCode.L4OK, true]]);
    expect(seen[0]!.result.message).toContain('boom');
  });
});

describe('update() and stop()', () => {
  const combined = (extraTarget: boolean, numConnects = 3): CheckJob[] => {
    const r = real('127.0.0.9', 80);
    const vs = [virtual({ checktype: 'combined', numConnects, service: 'http', reals: [r] })];
    if (extraTarget) vs.push(virtual({ port: 81, addr: '127.0.0.1:81', checktype: 'combined', numConnects, reals: [r] }));
    return planChecks(config(vs));
  };

  it('keeps the state and schedule of a job whose identity did not change', async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const starts: number[] = [];
    const check = timedCheck(clock, 0, starts);
    const { sched, seen } = makeScheduler({ clock, lag: false, factory: factoryOf({ negotiate: check, connect: check }, calls) });
    const t0 = clock.now();
    sched.update(combined(false));
    await clock.advance(10_000); // negotiate, connect
    sched.update(combined(true)); // reload: same checkId, one more virtual shares it
    await clock.advance(10_000);
    expect(calls).toEqual(['negotiate:http', 'connect', 'connect']);
    expect(starts.map((t) => t - t0)).toEqual([0, 10_000, 20_000]);
    expect(seen).toHaveLength(3);
    expect(seen[2]!.job.targets).toHaveLength(2); // verdicts go to the new targets
  });

  it('restarts a job whose identity changed (fresh num_connects)', async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const { sched } = makeScheduler({ clock, lag: false, factory: factoryOf({}, calls) });
    sched.update(combined(false, 3));
    await clock.advance(5000);
    sched.update(combined(false, 4));
    await clock.advance(0);
    expect(calls).toEqual(['negotiate:http', 'negotiate:http']);
  });

  it('aborts the in-flight attempt of a removed job and reports nothing for it', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const { sched, seen } = makeScheduler({ clock, lag: false, factory: factoryOf({ connect: hangingCheck(CheckCode.L4TOUT, signals) }) });
    sched.update(connectJobs(2, {}, 10_000));
    await clock.advance(0);
    expect(signals).toHaveLength(2);
    sched.update(connectJobs(1, {}, 10_000));
    await clock.advance(0);
    expect((signals[1]!.reason as { code: string }).code).toBe('ECHECKREMOVED');
    expect(signals[0]!.aborted).toBe(false);
    expect(seen).toHaveLength(0);
    expect(sched.stats()).toMatchObject({ jobs: 1, inFlight: 1 });
  });

  it('stop() aborts everything, clears every timer and delivers nothing more', async () => {
    const clock = new ManualClock();
    const signals: AbortSignal[] = [];
    const { sched, seen } = makeScheduler({ clock, lag: false, factory: factoryOf({ connect: hangingCheck(CheckCode.L4TOUT, signals) }) });
    sched.update(connectJobs(3, {}, 10_000));
    await clock.advance(0);
    expect(clock.pending).toBe(1); // one native timer for all runs and deadlines
    await sched.stop();
    expect(signals.map((s) => (s.reason as { code: string }).code)).toEqual(['ESCHEDSTOPPED', 'ESCHEDSTOPPED', 'ESCHEDSTOPPED']);
    expect(sched.stats()).toMatchObject({ inFlight: 0, queued: 0 });
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(seen).toHaveLength(0);
    expect(signals).toHaveLength(3);
    expect(() => sched.update([])).toThrow(expect.objectContaining({ code: 'ESCHEDSTOPPED' }));
  });
});

describe('real loopback checks', () => {
  it('a hung real does not delay another: the fast one keeps producing verdicts', async () => {
    const silent = await tcpServer(false, '127.0.0.2');
    const answering = await tcpServer(true, '127.0.0.2');
    try {
      const hung = { ...connectJobs(1, { checktimeout: 30 }, 60_000)[0]!, checkId: 'hung' };
      const fast = { ...connectJobs(1, {}, 20)[0]!, checkId: 'fast' };
      const factory = factoryOf({
        connect: (t, s) => tcpGreetingCheck(t === hung.targets[0] ? silent.port : answering.port)(t, s),
      });
      const { sched, seen } = makeScheduler({ factory });
      sched.update([hung, fast]);
      await until(() => seen.filter((s) => s.id === 'fast').length >= 10);
      expect(seen.filter((s) => s.id === 'hung')).toHaveLength(0);
      expect(seen.every((s) => s.result.ok)).toBe(true);
      expect(sched.stats().inFlight).toBeGreaterThanOrEqual(1); // the hung one, still pending
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await silent.close();
      await answering.close();
    }
  });

  it('the deadline closes the hung connection and reports L7TOUT', async () => {
    const silent = await tcpServer(false, '127.0.0.2');
    try {
      const job = { ...connectJobs(1, {}, 60_000)[0]!, deadlineMs: 100 };
      const { sched, seen } = makeScheduler({ factory: factoryOf({ connect: tcpGreetingCheck(silent.port) }) });
      sched.update([job]);
      await until(() => seen.length === 1 && silent.closed() === 1);
      expect(seen[0]!.result).toMatchObject({ ok: false, code: CheckCode.L7TOUT });
    } finally {
      await silent.close();
    }
  });
});

describe('event-loop lag guard', () => {
  // Start a check against a server that answers at once, then starve our own loop
  // past the deadline before the answer can be read.
  async function starvedRun(lagGuard: boolean): Promise<CheckResult[]> {
    const answering = await tcpServer(true, '127.0.0.2');
    try {
      let onStart: (() => void) | undefined;
      const firstStart = new Promise<void>((r) => (onStart = r));
      let starts = 0;
      const check = tcpGreetingCheck(answering.port, () => { if (starts++ === 0) onStart!(); });
      const { sched, seen } = makeScheduler({ factory: factoryOf({ connect: check }), ...(lagGuard ? {} : { lag: false }) });
      sched.update([{ ...connectJobs(1, {}, 600_000)[0]!, deadlineMs: 200 }]);
      await firstStart;
      const end = Date.now() + 700;
      while (Date.now() < end) { /* busy-wait: our loop is starved, the server already answered */ }
      await until(() => seen.length >= 1);
      // Only an inconclusive first attempt is followed by a prompt retry worth waiting for.
      if (lagGuard && seen[0]!.result.code === CheckCode.INCONCLUSIVE) await until(() => seen.length >= 2);
      return seen.map((s) => s.result);
    } finally {
      await Promise.all(started.splice(0).map((s) => s.stop()));
      await answering.close();
    }
  }

  it('reports INCONCLUSIVE instead of down and retries promptly', async () => {
    const results = await starvedRun(true);
    expect(results[0]).toMatchObject({ ok: false, code: CheckCode.INCONCLUSIVE });
    expect(results[0]!.message).toMatch(/^event loop lag \d+ ms: /);
    // The retry came long before the 600 s interval, and the real is up.
    expect(results[1]).toMatchObject({ ok: true, code: CheckCode.L7OK });
  });

  it('without the guard the same starvation would take the real down', async () => {
    const results = await starvedRun(false);
    expect(results[0]!.ok).toBe(false);
    expect([CheckCode.L4TOUT, CheckCode.L7TOUT]).toContain(results[0]!.code);
  });
});

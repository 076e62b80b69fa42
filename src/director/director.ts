// The director: a state machine from check verdicts to transitions, with
// ldirectord's log lines and email alerts, and the desired IPVS table.
// No I/O and no clock: the daemon passes `now` and the tables it read, and
// carries out the returned events and commands.
import { CheckCode, type CheckResult } from '../checks/result.js';
import type { Config, RealServer, VirtualService } from '../config/model.js';
import { destOf, fallbackDestOf, serviceKey, serviceOf } from '../ipvs/table.js';
import type { DesiredTable, IpvsCommand, IpvsTable } from '../ipvs/types.js';
import { desiredTable } from './desired.js';
import { removeFallback, removeReal, restoreFallback, restoreReal } from './effects.js';
import { email, log, type DirectorEvent } from './events.js';
import * as msg from './messages.js';
import type { Pair } from './pairs.js';
import { TableView } from './view.js';

/** Events plus the commands that the desired table cannot express (re-sent or removed virtuals). */
export interface Step {
  readonly events: DirectorEvent[];
  readonly commands: IpvsCommand[];
  /** Whether the desired table may have changed (a transition happened): the daemon then syncs. */
  readonly changed: boolean;
}

/** State of one real within one virtual. */
export type RealStatus = 'unknown' | 'up' | 'down';

/** Per virtual/real pair. */
export interface PairState {
  status: RealStatus;
  /** Epoch ms of the last transition. */
  since: number;
  /** Down and quiescent, first verdict: put it in the table with weight 0 once (ldirectord's start-up end state). */
  placeQuiesced: boolean;
}

/** Per unique check (shared by every virtual that has the same real and check settings). */
export interface CheckState {
  failcount: number;
  last?: CheckResult;
  /** Most recent results, newest last (bounded). */
  readonly history: CheckResult[];
}

/** Per virtual. */
interface VirtualState {
  /** Last fallbackcommand status run, as do_fallback_command tracks it. */
  command?: 'start' | 'stop';
}

const HISTORY = 10;

/** The state machine. One instance lives for the whole daemon; reload() swaps the config in. */
export class Director {
  #config: Config;
  #pairs: Pair[] = [];
  #byCheck = new Map<string, Pair[]>();
  #byVirtual = new Map<VirtualService, Pair[]>();
  readonly #pairState = new Map<string, PairState>();
  readonly #checkState = new Map<string, CheckState>();
  readonly #virtualState = new Map<string, VirtualState>();
  readonly #view = new TableView();

  constructor(config: Config) {
    this.#config = config;
    this.#index(config);
  }

  /** The config in force. */
  get config(): Config {
    return this.#config;
  }

  /** Start-up: adopt what the table holds, purge stale reals, create or re-send the virtuals. */
  start(table: IpvsTable, now: number): Step {
    return this.#adopt(table, now);
  }

  /**
   * Reload: swap in a new config. Checks whose identity did not change keep their
   * state and counters; virtuals gone from the config are purged from the table.
   * `since`: the mark taken when `table` was read (transitions decided after it are kept).
   */
  reload(config: Config, table: IpvsTable, now: number, since?: number): Step {
    const removed = this.#config.virtuals.filter((old) => !config.virtuals.some((v) => v.id === old.id));
    this.#config = config;
    this.#index(config);
    this.#forget();
    const step = this.#adopt(table, now, since);
    for (const v of removed) {
      if (!this.#view.hasService(v)) continue;
      this.#view.removeService(v);
      step.events.push(log(msg.purgedVirtual('start', v.addr)));
      step.commands.push({ op: 'delete-service', service: serviceOf(v) });
    }
    return step;
  }

  /** A check verdict for one unique check. INCONCLUSIVE results change nothing. */
  verdict(checkId: string, result: CheckResult, now: number): Step {
    const pairs = this.#byCheck.get(checkId);
    const events: DirectorEvent[] = [];
    if (!pairs) return { events, commands: [], changed: false };
    const check = this.#check(checkId);
    check.last = result;
    check.history.push(result);
    if (check.history.length > HISTORY) check.history.shift();
    if (result.code === CheckCode.INCONCLUSIVE) return { events, commands: [], changed: false };
    const changed = result.ok
      ? this.#up(pairs, check, now, events)
      : this.#down(pairs, check, result.code === CheckCode.MAINT, now, events);
    return { events, commands: [], changed };
  }

  /** A point to pass to observe() for a table that reflects the transitions decided up to now. */
  mark(): number {
    return this.#view.mark();
  }

  /**
   * The daemon read or verified the table: take it as the new picture. `since` (a mark taken
   * when the batch was computed) keeps the transitions decided after it, which the table
   * cannot show yet; without it they would be lost and their log lines decided wrongly.
   */
  observe(table: IpvsTable, since?: number): void {
    this.#view.observe(table, since);
    // Judged on the table itself: the view also holds replayed transitions not yet applied.
    for (const pair of this.#pairs) {
      const state = this.#pair(pair);
      if (!state.placeQuiesced) continue;
      const { virtual: v, real: r } = pair;
      if (table.get(serviceKey(serviceOf(v)))?.dests.has(destOf(v, r).addr)) state.placeQuiesced = false;
    }
  }

  /** Stop: for cleanstop virtuals, purge the up reals and the virtual (ld_stop). */
  stop(): Step {
    const step: Step = { events: [], commands: [], changed: true };
    for (const v of this.#config.virtuals) {
      if (!v.cleanstop) continue;
      for (const pair of this.#byVirtual.get(v) ?? []) {
        if (this.#pair(pair).status !== 'up') continue;
        const line = msg.purgedReal('stop', pair.real.addr, v.addr);
        step.events.push(log(line), email(line, v, pair.real.addr, 0));
      }
      step.events.push(log(msg.purgedVirtual('stop', v.addr)));
      step.commands.push({ op: 'delete-service', service: serviceOf(v) });
      this.#view.removeService(v);
    }
    return step;
  }

  /** What the table should hold for the virtuals we own. */
  desired(): DesiredTable {
    return desiredTable(
      this.#config,
      (v) => this.#byVirtual.get(v) ?? [],
      (p) => this.#pair(p),
      (v) => this.#settled(v),
    );
  }

  /** State of a real within a virtual (for reports). */
  pairState(virtual: VirtualService, real: RealServer): PairState | undefined {
    return this.#pairState.get(pairKey(virtual, real));
  }

  /** State of a unique check (for reports). */
  checkState(checkId: string): CheckState | undefined {
    return this.#checkState.get(checkId);
  }

  #index(config: Config): void {
    this.#pairs = [];
    this.#byCheck = new Map();
    this.#byVirtual = new Map();
    for (const virtual of config.virtuals) {
      const own: Pair[] = [];
      this.#byVirtual.set(virtual, own);
      for (const real of virtual.reals) {
        const pair: Pair = { virtual, real, key: pairKey(virtual, real) };
        this.#pairs.push(pair);
        own.push(pair);
        const list = this.#byCheck.get(real.checkId);
        if (list) list.push(pair);
        else this.#byCheck.set(real.checkId, [pair]);
      }
    }
  }

  /** Drop state of pairs, checks and virtuals the new config no longer has. */
  #forget(): void {
    const pairs = new Set(this.#pairs.map((p) => p.key));
    for (const key of this.#pairState.keys()) if (!pairs.has(key)) this.#pairState.delete(key);
    for (const id of this.#checkState.keys()) if (!this.#byCheck.has(id)) this.#checkState.delete(id);
    const virtuals = new Set(this.#config.virtuals.map((v) => v.id));
    for (const id of this.#virtualState.keys()) if (!virtuals.has(id)) this.#virtualState.delete(id);
  }

  #adopt(table: IpvsTable, now: number, since?: number): Step {
    this.#view.observe(table, since);
    const step: Step = { events: [], commands: [], changed: true };
    for (const v of this.#config.virtuals) {
      if (this.#view.hasService(v)) {
        step.events.push(log(msg.changedVirtual(v.addr)));
        step.commands.push({ op: 'edit-service', service: serviceOf(v) });
      } else {
        step.events.push(log(msg.addedVirtual(v.addr)));
        this.#view.addService(v);
      }
    }
    for (const v of this.#config.virtuals) this.#adoptVirtual(v, now, step.events);
    return step;
  }

  #adoptVirtual(v: VirtualService, now: number, events: DirectorEvent[]): void {
    const pairs = this.#byVirtual.get(v) ?? [];
    const known = new Set(pairs.map((p) => destOf(p.virtual, p.real).addr));
    if (v.fallback) known.add(fallbackDestOf(v, v.fallback).addr);
    for (const dest of this.#view.dests(v)) {
      if (known.has(dest.addr)) continue;
      const line = msg.purgedReal('start', dest.addr, v.addr);
      events.push(log(line), email(line, v, dest.addr, 0));
      this.#view.removeDest(v, dest.addr);
    }
    for (const pair of pairs) {
      if (this.#pairState.has(pair.key)) continue;
      const entry = this.#view.dest(v, destOf(pair.virtual, pair.real).addr);
      const state: PairState = { status: 'unknown', since: now, placeQuiesced: false };
      this.#pairState.set(pair.key, state);
      // ldirectord adopts reals it finds serving (weight > 0) as up, before any check.
      if (entry && entry.weight > 0) {
        state.status = 'up';
        restoreReal(this.#view, pair, events);
        this.#fallbackOff(v, events);
      }
    }
  }

  /** A passing verdict; true when some pair changed state. */
  #up(pairs: Pair[], check: CheckState, now: number, events: DirectorEvent[]): boolean {
    if (check.failcount > 0) events.push(log(msg.resetSoftFailure(pairs[0]!.real.addr, pairs[0]!.virtual.id)));
    check.failcount = 0;
    let changed = false;
    for (const pair of pairs) {
      const state = this.#pair(pair);
      if (state.status === 'up') continue;
      Object.assign(state, { status: 'up', since: now, placeQuiesced: false });
      restoreReal(this.#view, pair, events);
      this.#fallbackOff(pair.virtual, events);
      changed = true;
    }
    return changed;
  }

  /** A failing verdict; true when some pair changed state. */
  #down(pairs: Pair[], check: CheckState, forced: boolean, now: number, events: DirectorEvent[]): boolean {
    const states = pairs.map((p) => this.#pair(p));
    // A real already down is not counted again (ldirectord's _service_down returns early).
    if (!forced && states.every((s) => s.status === 'down')) return false;
    check.failcount += 1;
    let changed = false;
    pairs.forEach((pair, i) => {
      const state = states[i]!;
      const { real, virtual } = pair;
      if (state.status === 'down') return;
      if (state.status === 'up' && !forced && check.failcount < virtual.failurecount) {
        events.push(log(msg.softFailure(real.addr, virtual.id, check.failcount, virtual.failurecount)));
        return;
      }
      const first = state.status === 'unknown';
      Object.assign(state, { status: 'down', since: now, placeQuiesced: false });
      state.placeQuiesced = removeReal(this.#view, pair, { readd: this.#config.global.readdquiescent, first, now }, events);
      this.#fallbackOn(virtual, events);
      changed = true;
    });
    return changed;
  }

  /** fallback_on: when no real of the virtual is up, add the fallback and run `fallbackcommand start`. */
  #fallbackOn(v: VirtualService, events: DirectorEvent[]): void {
    if (!this.#settled(v) || this.#anyUp(v)) return;
    restoreFallback(this.#view, v, events);
    this.#command(v, 'start', events);
  }

  /** fallback_off: a real is up again, remove the fallback and run `fallbackcommand stop`. */
  #fallbackOff(v: VirtualService, events: DirectorEvent[]): void {
    removeFallback(this.#view, v, events);
    this.#command(v, 'stop', events);
  }

  #command(v: VirtualService, status: 'start' | 'stop', events: DirectorEvent[]): void {
    const state = this.#virtualState.get(v.id) ?? {};
    this.#virtualState.set(v.id, state);
    if (state.command === status) return;
    state.command = status;
    if (v.fallbackcommand) events.push({ kind: 'fallbackcommand', virtual: v, status });
  }

  /** A virtual's fallback can be decided once a real is up or every real has a verdict. */
  #settled(v: VirtualService): boolean {
    const pairs = this.#byVirtual.get(v) ?? [];
    return pairs.some((p) => this.#pair(p).status === 'up') || pairs.every((p) => this.#pair(p).status !== 'unknown');
  }

  #anyUp(v: VirtualService): boolean {
    return (this.#byVirtual.get(v) ?? []).some((p) => this.#pair(p).status === 'up');
  }

  #pair(pair: Pair): PairState {
    let state = this.#pairState.get(pair.key);
    if (!state) this.#pairState.set(pair.key, (state = { status: 'unknown', since: 0, placeQuiesced: false }));
    return state;
  }

  #check(checkId: string): CheckState {
    let state = this.#checkState.get(checkId);
    if (!state) this.#checkState.set(checkId, (state = { failcount: 0, history: [] }));
    return state;
  }
}

function pairKey(v: VirtualService, r: RealServer): string {
  return `${v.id}|${r.checkId}`;
}

// The director as a pure state machine: config text + table + verdicts in,
// ldirectord's log lines, commands and the desired table out. No real time.
import { describe, expect, test } from '@jest/globals';
import { CheckCode, type CheckCodeValue, type CheckResult } from '../../src/checks/result.js';
import { parseConfigText } from '../../src/config/index.js';
import type { Config } from '../../src/config/model.js';
import { Director } from '../../src/director/director.js';
import type { DirectorEvent } from '../../src/director/events.js';
import { diffTable } from '../../src/ipvs/diff.js';
import { parseSave } from '../../src/ipvs/save-format.js';
import type { IpvsTable } from '../../src/ipvs/types.js';

const T0 = 1_800_000_000_000;

async function config(body: string, globals = ''): Promise<Config> {
  return parseConfigText(`${globals}logfile="/dev/null"\n${body}`, '/etc/ha.d/test.cf', { debug: true });
}

function result(ok: boolean, code: CheckCodeValue = ok ? CheckCode.L4OK : CheckCode.L4CON): CheckResult {
  return { ok, code, message: ok ? 'ok' : 'refused', durationMs: 1, attempt: 1, startedAt: T0 };
}

const logs = (events: DirectorEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'log' ? [e.message] : []));

const commands = (events: DirectorEvent[]): string[] =>
  events.flatMap((e) => (e.kind === 'fallbackcommand' ? [`${e.status} ${e.virtual.addr}`] : []));

/** The table after the director's wishes were applied by the real diff, as the next read returns it. */
function apply(d: Director, table: IpvsTable): IpvsTable {
  const next = new Map([...table].map(([k, e]) => [k, { service: e.service, dests: new Map(e.dests) }] as const));
  for (const c of diffTable(d.desired(), table)) {
    const key = [...next.keys()].find((k) => next.get(k)!.service.addr === c.service.addr);
    if (c.op === 'add-service') next.set(`${c.service.protocol}|${c.service.addr}`, { service: c.service, dests: new Map() });
    else if (c.op === 'delete-service' && key) next.delete(key);
    else if ((c.op === 'add-dest' || c.op === 'edit-dest') && key) next.get(key)!.dests.set(c.dest.addr, c.dest);
    else if (c.op === 'delete-dest' && key) next.get(key)!.dests.delete(c.addr);
  }
  d.observe(next);
  return next;
}

function destsOf(table: IpvsTable, vip: string): Record<string, number> {
  const entry = [...table.values()].find((e) => e.service.addr === vip);
  return Object.fromEntries([...(entry?.dests.values() ?? [])].map((d) => [d.addr, d.weight]));
}

const EMPTY: IpvsTable = new Map();
const V = 'virtual=127.0.0.1:80\n';

describe('start-up', () => {
  test('creates missing virtuals, adds no real before its first verdict', async () => {
    const d = new Director(await config(`${V}    real=127.0.0.2:80 masq\n    real=127.0.0.3:80 masq\n`));
    const step = d.start(EMPTY, T0);
    expect(logs(step.events)).toEqual(['Added virtual server: 127.0.0.1:80']);
    const table = apply(d, EMPTY);
    expect(destsOf(table, '127.0.0.1:80')).toEqual({});
  });

  test('re-sends an existing virtual with -E, adopts a serving real, purges a stale one', async () => {
    const d = new Director(await config(`${V}    real=127.0.0.2:80 masq 3\n`));
    const table = parseSave('-A -t 127.0.0.1:80 -s wrr\n-a -t 127.0.0.1:80 -r 127.0.0.2:80 -m -w 1\n-a -t 127.0.0.1:80 -r 127.0.0.9:80 -m -w 1\n');
    const step = d.start(table, T0);
    expect(logs(step.events)).toEqual([
      'Changed virtual server: 127.0.0.1:80',
      'Purged real server (start): 127.0.0.9:80 (127.0.0.1:80)',
      'Restored real server: 127.0.0.2:80 (127.0.0.1:80) (Weight set to 3)',
    ]);
    expect(step.commands.map((c) => c.op)).toEqual(['edit-service']);
    expect(destsOf(apply(d, table), '127.0.0.1:80')).toEqual({ '127.0.0.2:80': 3 });
  });

  test('leaves virtual services that are not in the config alone', async () => {
    const d = new Director(await config(`${V}    real=127.0.0.2:80 masq\n`));
    const table = parseSave('-A -t 127.0.0.1:80 -s wrr\n-A -t 127.0.0.1:81 -s rr\n-a -t 127.0.0.1:81 -r 127.0.0.7:81 -m -w 5\n');
    d.start(table, T0);
    expect(diffTable(d.desired(), table).filter((c) => c.service.addr === '127.0.0.1:81')).toEqual([]);
  });
});

describe('verdicts', () => {
  type Row = [name: string, cfg: string, globals: string, verdicts: boolean[], expected: string[], weights: Record<string, number>];
  const R = '127.0.0.2:80 (127.0.0.1:80)';
  const rows: Row[] = [
    ['up then down (delete)', `${V}    real=127.0.0.2:80 masq\n`, '', [true, false],
      [`Added real server: ${R} (Weight set to 1)`, `Deleted real server: ${R}`], {}],
    ['down then up logs the reset of the soft failure count', `${V}    real=127.0.0.2:80 masq\n`, '', [false, true],
      [`Resetting soft failure count: 127.0.0.2:80 (tcp:127.0.0.1:80)`, `Added real server: ${R} (Weight set to 1)`], { '127.0.0.2:80': 1 }],
    ['failurecount 3', `${V}    real=127.0.0.2:80 masq\n    failurecount=3\n`, '', [true, false, false, false, true],
      [`Added real server: ${R} (Weight set to 1)`,
        'Soft failure real server: 127.0.0.2:80 (tcp:127.0.0.1:80) failure 1/3',
        'Soft failure real server: 127.0.0.2:80 (tcp:127.0.0.1:80) failure 2/3',
        `Deleted real server: ${R}`,
        'Resetting soft failure count: 127.0.0.2:80 (tcp:127.0.0.1:80)',
        `Added real server: ${R} (Weight set to 1)`], { '127.0.0.2:80': 1 }],
    ['a success between failures resets the count', `${V}    real=127.0.0.2:80 masq\n    failurecount=2\n`, '', [true, false, true, false],
      [`Added real server: ${R} (Weight set to 1)`,
        'Soft failure real server: 127.0.0.2:80 (tcp:127.0.0.1:80) failure 1/2',
        'Resetting soft failure count: 127.0.0.2:80 (tcp:127.0.0.1:80)',
        'Soft failure real server: 127.0.0.2:80 (tcp:127.0.0.1:80) failure 1/2'], { '127.0.0.2:80': 1 }],
    ['quiescent: down at start is placed with weight 0 directly', `${V}    real=127.0.0.2:80 masq 2\n    quiescent=yes\n`, '', [false, true, false],
      [`Quiescent real server: ${R} (Weight set to 0)`,
        'Resetting soft failure count: 127.0.0.2:80 (tcp:127.0.0.1:80)',
        `Restored real server: ${R} (Weight set to 2)`,
        `Quiescent real server: ${R} (Weight set to 0)`], { '127.0.0.2:80': 0 }],
    ['gate real on another port is quiesced where ipvsadm put it, and restored', `${V}    real=127.0.0.2:8080 gate\n    quiescent=yes\n`, '', [true, false, true],
      ['Added real server: 127.0.0.2:8080 (127.0.0.1:80) (Weight set to 1)',
        'Quiescent real server: 127.0.0.2:80 mapped from 127.0.0.2:8080 (127.0.0.1:80) (Weight set to 0)',
        'Resetting soft failure count: 127.0.0.2:8080 (tcp:127.0.0.1:80)',
        'Restored real server: 127.0.0.2:8080 (127.0.0.1:80) (Weight set to 1)'], { '127.0.0.2:80': 1 }],
    ['gate real on another port is deleted where ipvsadm put it', `${V}    real=127.0.0.2:8080 gate\n`, '', [true, false],
      ['Added real server: 127.0.0.2:8080 (127.0.0.1:80) (Weight set to 1)',
        'Deleted real server: 127.0.0.2:80 mapped from 127.0.0.2:8080 (127.0.0.1:80)'], {}],
    ['fallback in and out', `${V}    real=127.0.0.2:80 masq\n    fallback=127.0.0.5:80 masq\n`, '', [false, true, false],
      ['Added fallback server: 127.0.0.5:80 (127.0.0.1:80) (Weight set to 1)',
        'Resetting soft failure count: 127.0.0.2:80 (tcp:127.0.0.1:80)',
        `Added real server: ${R} (Weight set to 1)`,
        'Deleted fallback server: 127.0.0.5:80 (127.0.0.1:80)',
        `Deleted real server: ${R}`,
        'Added fallback server: 127.0.0.5:80 (127.0.0.1:80) (Weight set to 1)'], { '127.0.0.5:80': 1 }],
    ['IPv6 addresses are bracketed', 'virtual6=[::1]:80\n    real6=[::1]:8082 masq 2\n', '', [true, false],
      ['Added real server: [::1]:8082 ([::1]:80) (Weight set to 2)', 'Deleted real server: [::1]:8082 ([::1]:80)'], {}],
    ['fwmark virtuals are named by their mark', 'virtual=7\n    real=127.0.0.2 gate\n    checktype=connect\n', '', [true, false],
      ['Added real server: 127.0.0.2:0 (7) (Weight set to 1)', 'Deleted real server: 127.0.0.2:0 (7)'], {}],
  ];

  test.each(rows)('%s', async (_name, cfg, globals, verdicts, expected, weights) => {
    const c = await config(cfg, globals);
    const d = new Director(c);
    const vip = c.virtuals[0]!.addr;
    d.start(EMPTY, T0);
    let table = apply(d, EMPTY);
    const checkId = c.virtuals[0]!.reals[0]!.checkId;
    const seen: string[] = [];
    verdicts.forEach((ok, i) => {
      seen.push(...logs(d.verdict(checkId, result(ok), T0 + i * 1000).events));
      table = apply(d, table);
    });
    expect(seen).toEqual(expected);
    expect(destsOf(table, vip)).toEqual(weights);
  });

  test('inconclusive results change nothing', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const id = c.virtuals[0]!.reals[0]!.checkId;
    d.verdict(id, result(true), T0);
    expect(d.verdict(id, result(false, CheckCode.INCONCLUSIVE), T0 + 1).events).toEqual([]);
    expect(d.checkState(id)!.failcount).toBe(0);
  });

  test('maintenance forces a real down at once, whatever failurecount says', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    failurecount=5\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const id = c.virtuals[0]!.reals[0]!.checkId;
    d.verdict(id, result(true), T0);
    expect(logs(d.verdict(id, result(false, CheckCode.MAINT), T0 + 1).events)).toEqual([
      'Deleted real server: 127.0.0.2:80 (127.0.0.1:80)',
    ]);
  });

  test('readdquiescent re-adds a quiesced real that was deleted by hand', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    quiescent=yes\n`, 'readdquiescent=yes\n');
    const d = new Director(c);
    d.start(EMPTY, T0);
    const id = c.virtuals[0]!.reals[0]!.checkId;
    d.verdict(id, result(true), T0);
    let table = apply(d, EMPTY);
    table = parseSave('-A -t 127.0.0.1:80 -s wrr\n'); // someone ran ipvsadm -d
    d.observe(table);
    expect(logs(d.verdict(id, result(false), T0 + 1).events)).toEqual([
      'Readd Quiescent real server: 127.0.0.2:80 (127.0.0.1:80) (Weight set to 0)',
    ]);
    expect(destsOf(apply(d, table), '127.0.0.1:80')).toEqual({ '127.0.0.2:80': 0 });
  });

  test('a quiescent real down at its first verdict is placed even when that verdict came during a batch', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    quiescent=yes\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const mark = d.mark(); // a pass computed its batch (the virtual only) ...
    d.verdict(c.virtuals[0]!.reals[0]!.checkId, result(false), T0); // ... then the first verdict came
    const verified = parseSave('-A -t 127.0.0.1:80 -s wrr\n');
    d.observe(verified, mark);
    expect(diffTable(d.desired(), verified).map((x) => `${x.op} ${x.op === 'add-dest' ? `${x.dest.addr} w${x.dest.weight}` : ''}`)).toEqual([
      'add-dest 127.0.0.2:80 w0',
    ]);
  });

  test('without readdquiescent a quiesced real deleted by hand stays deleted', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    quiescent=yes\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const id = c.virtuals[0]!.reals[0]!.checkId;
    d.verdict(id, result(true), T0);
    apply(d, EMPTY);
    d.verdict(id, result(false), T0 + 1);
    const table = parseSave('-A -t 127.0.0.1:80 -s wrr\n');
    d.observe(table);
    expect(diffTable(d.desired(), table)).toEqual([]);
  });
});

describe('fallback command and shared reals', () => {
  test('fallbackcommand runs once per transition', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    real=127.0.0.3:80 masq\n    fallbackcommand="/bin/fb"\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const [a, b] = c.virtuals[0]!.reals.map((r) => r.checkId);
    const seen: string[] = [];
    for (const [id, ok] of [[a, false], [b, false], [a, false], [a, true], [b, true], [a, false]] as const) {
      seen.push(...commands(d.verdict(id!, result(ok), T0).events));
    }
    expect(seen).toEqual(['start 127.0.0.1:80', 'stop 127.0.0.1:80']);
  });

  test('no fallback decision before every real has a verdict', async () => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    real=127.0.0.3:80 masq\n    fallback=127.0.0.5:80 masq\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    const [a, b] = c.virtuals[0]!.reals.map((r) => r.checkId);
    expect(logs(d.verdict(a!, result(false), T0).events)).toEqual([]);
    expect(logs(d.verdict(b!, result(false), T0).events)).toEqual([
      'Added fallback server: 127.0.0.5:80 (127.0.0.1:80) (Weight set to 1)',
    ]);
  });

  test('a real in three virtuals is one check, one counter, applied to all', async () => {
    const block = '    real=127.0.0.2:80 masq\n    failurecount=2\n    checktype=connect\n';
    const c = await config(`virtual=127.0.0.1:80\n${block}virtual=127.0.0.1:81\n${block}virtual=127.0.0.1:82\n${block}`);
    const ids = new Set(c.virtuals.map((v) => v.reals[0]!.checkId));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const d = new Director(c);
    d.start(EMPTY, T0);
    expect(logs(d.verdict(id!, result(true), T0).events)).toHaveLength(3);
    expect(logs(d.verdict(id!, result(false), T0).events)).toEqual(
      ['80', '81', '82'].map((p) => `Soft failure real server: 127.0.0.2:80 (tcp:127.0.0.1:${p}) failure 1/2`),
    );
    expect(logs(d.verdict(id!, result(false), T0).events)).toEqual(
      ['80', '81', '82'].map((p) => `Deleted real server: 127.0.0.2:80 (127.0.0.1:${p})`),
    );
  });
});

describe('reload and stop', () => {
  test('reload keeps state of unchanged checks and purges removed virtuals', async () => {
    const c1 = await config(`${V}    real=127.0.0.2:80 masq\nvirtual=127.0.0.1:81\n    real=127.0.0.2:81 masq\n`);
    const d = new Director(c1);
    d.start(EMPTY, T0);
    const id = c1.virtuals[0]!.reals[0]!.checkId;
    d.verdict(id, result(true), T0);
    let table = apply(d, EMPTY);
    const c2 = await config(`${V}    real=127.0.0.2:80 masq\n    real=127.0.0.3:80 masq\n`);
    const step = d.reload(c2, table, T0 + 10);
    expect(logs(step.events)).toEqual(['Changed virtual server: 127.0.0.1:80', 'Purged virtual server (start): 127.0.0.1:81']);
    expect(step.commands.map((c) => `${c.op} ${c.service.addr}`)).toEqual(['edit-service 127.0.0.1:80', 'delete-service 127.0.0.1:81']);
    table = apply(d, table);
    expect(destsOf(table, '127.0.0.1:80')).toEqual({ '127.0.0.2:80': 1 });
    expect(d.pairState(c2.virtuals[0]!, c2.virtuals[0]!.reals[0]!)!.status).toBe('up');
  });

  test.each([
    ['yes', ['Purged real server (stop): 127.0.0.2:80 (127.0.0.1:80)', 'Purged virtual server (stop): 127.0.0.1:80'], 1],
    ['no', [], 0],
  ] as const)('cleanstop=%s', async (clean, expected, deletes) => {
    const c = await config(`${V}    real=127.0.0.2:80 masq\n    real=127.0.0.3:80 masq\n`, `cleanstop=${clean}\n`);
    const d = new Director(c);
    d.start(EMPTY, T0);
    d.verdict(c.virtuals[0]!.reals[0]!.checkId, result(true), T0);
    d.verdict(c.virtuals[0]!.reals[1]!.checkId, result(false), T0);
    const step = d.stop();
    expect(logs(step.events)).toEqual(expected);
    expect(step.commands.filter((x) => x.op === 'delete-service')).toHaveLength(deletes);
  });
});

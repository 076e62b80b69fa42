// The report's snapshot from a real Director driven by verdicts: states
// (up, down, quiescent, maintenance, unknown), weights in the table vs the
// config, history, and the fallback's state.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckResult } from '../../src/checks/result.js';
import { loadConfig } from '../../src/config/index.js';
import type { Config } from '../../src/config/model.js';
import { buildSnapshot } from '../../src/control/snapshot.js';
import { Director } from '../../src/director/director.js';
import { destOf, makeTable, serviceOf } from '../../src/ipvs/table.js';

let dir: string;
let config: Config;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ldts-snapshot-'));
  const file = join(dir, 'snap.cf');
  writeFileSync(file, [
    'checktimeout=2', 'quiescent=yes',
    'virtual=127.0.0.2:80',
    '\treal=127.0.0.3:80 masq 3', '\treal=127.0.0.4:80 masq 1', '\treal=127.0.0.5:80 masq 1',
    '\tfallback=127.0.0.9:80 masq', '\tchecktype=connect', '',
  ].join('\n'));
  config = await loadConfig(file, { name: 'snap.cf', debug: false, supervised: false });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const result = (ok: boolean, code: string, message: string, at: number): CheckResult =>
  ({ ok, code, message, durationMs: 7, attempt: 1, startedAt: at }) as CheckResult;

function snap(director: Director, table = makeTable([]), consecutive = (_: string) => 0, now = 5000) {
  return buildSnapshot({
    config, director, table, consecutiveFailures: consecutive, pid: 42, shadow: false, ipvs: 'simulated',
    startedAt: 1000, now, version: '1.186-ha',
  });
}

describe('buildSnapshot', () => {
  test('before any verdict: every real unknown, the fallback unknown, weights from the table', () => {
    const d = new Director(config);
    d.start(makeTable([]), 1000);
    const s = snap(d);
    expect(s).toMatchObject({ pid: 42, version: '1.186-ha', implementation: 'ldirectord-ts', config: config.file });
    const [v] = s.virtuals;
    expect(v).toMatchObject({ virtual: 'tcp:127.0.0.2:80', checktype: 'connect', quiescent: true, inTable: false });
    expect(v!.reals.map((r) => [r.real, r.state, r.tableWeight, r.configuredWeight])).toEqual([
      ['127.0.0.3:80', 'unknown', null, 3], ['127.0.0.4:80', 'unknown', null, 1], ['127.0.0.5:80', 'unknown', null, 1],
    ]);
    expect(v!.fallback).toMatchObject({ real: '127.0.0.9:80', state: 'unknown' });
  });

  test('up, quiescent, maintenance; the fallback serves when none is up; history explains why', () => {
    const d = new Director(config);
    d.start(makeTable([]), 1000);
    const [v] = config.virtuals;
    const [r3, r4, r5] = v!.reals;
    d.verdict(r3!.checkId, result(true, 'L4OK', 'connected', 2000), 2000);
    d.verdict(r4!.checkId, result(false, 'L4CON', 'connect ECONNREFUSED', 2000), 2000);
    d.verdict(r4!.checkId, result(false, 'L4TOUT', 'connect timeout', 2500), 2500);
    d.verdict(r5!.checkId, result(false, 'MAINT', 'maintenance file 127.0.0.5', 2000), 2000);
    const table = makeTable([{ service: serviceOf(v!), dests: [destOf(v!, r3!), destOf(v!, r4!, 0)] }]);
    const s = snap(d, table, (id) => (id === r4!.checkId ? 2 : 0), 6000);
    const reals = s.virtuals[0]!.reals;
    expect(reals[0]).toMatchObject({ state: 'up', tableWeight: 3, consecutiveFailures: 0, since: 2000, last: { code: 'L4OK', ok: true } });
    expect(reals[1]).toMatchObject({ state: 'quiescent', tableWeight: 0, consecutiveFailures: 2, last: { code: 'L4TOUT', message: 'connect timeout', durationMs: 7, at: 2500 } });
    expect(reals[1]!.history.map((h) => h.code)).toEqual(['L4CON', 'L4TOUT']);
    expect(reals[2]).toMatchObject({ state: 'maintenance', tableWeight: null });
    expect(s.virtuals[0]!.inTable).toBe(true);
    expect(s.virtuals[0]!.fallback!.state).toBe('down'); // a real is up: standby

    d.verdict(r3!.checkId, result(false, 'L7STS', '503 Service Unavailable', 7000), 7000);
    const after = snap(d, table, () => 1, 8000);
    expect(after.virtuals[0]!.reals[0]).toMatchObject({ since: 7000, last: { code: 'L7STS' } });
    expect(after.virtuals[0]!.fallback!.state).toBe('fallback');
  });
});

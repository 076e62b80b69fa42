// diffTable / describeDrift, table-driven over every DesiredMode, and the table helpers.
import { describe, expect, test } from '@jest/globals';
import type { RealServer, VirtualService } from '../../src/config/model.js';
import { describeDrift, diffTable } from '../../src/ipvs/diff.js';
import { commandLine } from '../../src/ipvs/save-format.js';
import { destOf, makeService, makeTable, normalizeSchedFlags, serviceKey, serviceOf, tableAddrOf } from '../../src/ipvs/table.js';
import type { DesiredDest, DesiredMode, DesiredTable, IpvsDest, IpvsService, IpvsTable } from '../../src/ipvs/types.js';

const svc = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', ops: false });
const other = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:81', scheduler: 'rr', ops: false });
const d = (addr: string, weight = 1, extra: Partial<IpvsDest> = {}): IpvsDest => ({ addr, forward: 'gate', weight, uThreshold: 0, lThreshold: 0, ...extra });
const want = (mode: DesiredMode, dest: IpvsDest): DesiredDest => ({ ...dest, mode });
const desired = (service: IpvsService, dests: DesiredDest[]): DesiredTable =>
  new Map([[serviceKey(service), { service, dests: new Map(dests.map((x) => [x.addr, x])) }]]);
const lines = (desiredT: DesiredTable, actual: IpvsTable) => diffTable(desiredT, actual).map(commandLine);

describe('per DesiredMode', () => {
  const A = '127.0.0.2:80';
  const cases: { name: string; mode: DesiredMode; actual: IpvsDest | undefined; wanted: IpvsDest; expect: string[] }[] = [
    { name: 'must, absent -> add', mode: 'must', actual: undefined, wanted: d(A, 2), expect: ['-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 2 -x 0 -y 0'] },
    { name: 'must, same -> nothing', mode: 'must', actual: d(A, 2), wanted: d(A, 2), expect: [] },
    { name: 'must, other weight -> edit', mode: 'must', actual: d(A, 0), wanted: d(A, 2), expect: ['-e -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 2 -x 0 -y 0'] },
    { name: 'must, other forward -> edit', mode: 'must', actual: d(A, 2, { forward: 'masq' }), wanted: d(A, 2), expect: ['-e -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 2 -x 0 -y 0'] },
    { name: 'must, other thresholds -> edit', mode: 'must', actual: d(A, 2), wanted: d(A, 2, { uThreshold: 5 }), expect: ['-e -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 2 -x 5 -y 0'] },
    { name: 'if-present, absent -> nothing', mode: 'if-present', actual: undefined, wanted: d(A, 0), expect: [] },
    { name: 'if-present, present differs -> edit', mode: 'if-present', actual: d(A, 3), wanted: d(A, 0), expect: ['-e -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 0 -x 0 -y 0'] },
    { name: 'if-present, same -> nothing', mode: 'if-present', actual: d(A, 0), wanted: d(A, 0), expect: [] },
    { name: 'keep, absent -> nothing', mode: 'keep', actual: undefined, wanted: d(A, 1), expect: [] },
    { name: 'keep, present differs -> nothing', mode: 'keep', actual: d(A, 9), wanted: d(A, 1), expect: [] },
  ];
  test.each(cases)('$name', (c) => {
    const actual = makeTable([{ service: svc, dests: c.actual ? [c.actual] : [] }]);
    expect(lines(desired(svc, [want(c.mode, c.wanted)]), actual)).toEqual(c.expect);
  });
});

describe('services', () => {
  test('missing owned service: added, then only its "must" dests', () => {
    const dt = desired(svc, [want('must', d('127.0.0.2:80')), want('if-present', d('127.0.0.3:80', 0)), want('keep', d('127.0.0.4:80'))]);
    expect(lines(dt, new Map())).toEqual(['-A -t 127.0.0.1:80 -s wrr', '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -g -w 1 -x 0 -y 0']);
  });

  test('changed attributes: edit-service, dests kept', () => {
    const actual = makeTable([{ service: { ...svc, scheduler: 'rr' }, dests: [d('127.0.0.2:80')] }]);
    expect(lines(desired(svc, [want('must', d('127.0.0.2:80'))]), actual)).toEqual(['-E -t 127.0.0.1:80 -s wrr']);
  });

  test('stray dests under an owned service are deleted, before adds', () => {
    const actual = makeTable([{ service: svc, dests: [d('127.0.0.9:80'), d('127.0.0.2:80')] }]);
    expect(lines(desired(svc, [want('must', d('127.0.0.3:80'))]), actual)).toEqual([
      '-d -t 127.0.0.1:80 -r 127.0.0.9:80', '-d -t 127.0.0.1:80 -r 127.0.0.2:80', '-a -t 127.0.0.1:80 -r 127.0.0.3:80 -g -w 1 -x 0 -y 0',
    ]);
  });

  test('services not in desired are never touched', () => {
    const actual = makeTable([{ service: other, dests: [d('127.0.0.9:81')] }, { service: svc, dests: [d('127.0.0.2:80')] }]);
    expect(lines(desired(svc, [want('must', d('127.0.0.2:80'))]), actual)).toEqual([]);
    expect(lines(new Map(), actual)).toEqual([]);
  });

  test('describeDrift says what was found and what was wanted', () => {
    const actual = makeTable([{ service: { ...svc, scheduler: 'rr', persistent: 300 }, dests: [d('127.0.0.2:80', 0), d('127.0.0.9:80')] }]);
    const drift = describeDrift(desired(svc, [want('must', d('127.0.0.2:80', 1)), want('must', d('127.0.0.3:80', 5, { forward: 'masq' }))]), actual);
    expect(drift.map((x) => x.message)).toEqual([
      'virtual service tcp|127.0.0.1:80: found rr persistent 300, wanted wrr',
      'real 127.0.0.9:80 of tcp|127.0.0.1:80: found Route weight 1, not configured',
      'real 127.0.0.2:80 of tcp|127.0.0.1:80: found Route weight 0, wanted Route weight 1',
      'real 127.0.0.3:80 of tcp|127.0.0.1:80: missing, wanted Masq weight 5',
    ]);
    expect(drift.map((x) => x.kind)).toEqual(['changed-service', 'stray-dest', 'changed-dest', 'missing-dest']);
  });
});

describe('table helpers', () => {
  const v = { protocol: 'tcp', port: 80 } as const;
  test('tableAddrOf forces gate/ipip onto the virtual port, not masq, not fwmark', () => {
    expect(tableAddrOf(v, { ip: '127.0.0.2', port: 8080, forward: 'gate' })).toBe('127.0.0.2:80');
    expect(tableAddrOf(v, { ip: '127.0.0.2', port: 8080, forward: 'ipip' })).toBe('127.0.0.2:80');
    expect(tableAddrOf(v, { ip: '127.0.0.2', port: 8080, forward: 'masq' })).toBe('127.0.0.2:8080');
    expect(tableAddrOf({ protocol: 'fwm', port: 0 }, { ip: '::1', port: 8080, forward: 'gate' })).toBe('[::1]:8080');
  });

  test('serviceOf / destOf from the config model', () => {
    const real = { ip: '127.0.0.2', port: 8080, forward: 'gate', weight: 3, uThreshold: 10, lThreshold: 2 } as RealServer;
    const vs = { protocol: 'udp', af: 4, ip: '127.0.0.1', port: 53, addr: '127.0.0.1:53', scheduler: 'wrr', persistent: 300,
      netmask: '255.255.255.255', ops: true, reals: [real] } as unknown as VirtualService;
    expect(serviceOf(vs)).toEqual({ protocol: 'udp', af: 4, addr: '127.0.0.1:53', scheduler: 'wrr', persistent: 300, ops: true });
    expect(destOf(vs, real)).toEqual({ addr: '127.0.0.2:53', forward: 'gate', weight: 3, uThreshold: 10, lThreshold: 2 });
    expect(destOf(vs, real, 0).weight).toBe(0);
    const fw = { protocol: 'fwm', af: 6, fwm: 5, port: 0, addr: '5', scheduler: 'rr', ops: true } as unknown as VirtualService;
    expect(serviceKey(serviceOf(fw))).toBe('fwm6|5');
  });

  test('sched flags read back under the scheduler\'s names', () => {
    expect(normalizeSchedFlags('sh', 'flag-2,flag-1')).toBe('sh-fallback,sh-port');
    expect(normalizeSchedFlags('wrr', 'flag-3')).toBe('flag-3');
    expect(normalizeSchedFlags('wrr', '')).toBeUndefined();
  });
});

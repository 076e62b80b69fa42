// IpvsadmBackend against the fake ipvsadm program, and findIpvsadm's lookup rule.
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IpvsadmBackend } from '../../src/ipvs/ipvsadm.js';
import { MemoryBackend } from '../../src/ipvs/memory.js';
import { findIpvsadm } from '../../src/ipvs/process.js';
import { makeService } from '../../src/ipvs/table.js';
import type { CommandOutcome, IpvsCommand, IpvsDest } from '../../src/ipvs/types.js';
import { FAKE_IPVSADM, Fake } from './fake.js';

const svc = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', ops: false });
const dest = (n: number, extra: Partial<IpvsDest> = {}): IpvsDest =>
  ({ addr: `127.0.0.${n}:80`, forward: 'gate', weight: 1, uThreshold: 0, lThreshold: 0, ...extra });
const add = (n: number, extra: Partial<IpvsDest> = {}): IpvsCommand => ({ op: 'add-dest', service: svc, dest: dest(n, extra) });

let fake: Fake;
let backend: IpvsadmBackend;
beforeEach(() => {
  fake = new Fake();
  backend = new IpvsadmBackend({ path: FAKE_IPVSADM, env: fake.env, timeoutMs: 3000, killGraceMs: 200 });
});
afterEach(() => fake.cleanup());

describe('read', () => {
  test('an empty table', async () => {
    expect((await backend.read()).size).toBe(0);
  });

  test('reads -S and thresholds (which -S does not show)', async () => {
    await fake.restore(['-A -t 127.0.0.1:80 -s wrr -p 300', '-a -t 127.0.0.1:80 -r 127.0.0.2:80 -m -w 3 -x 10 -y 2']);
    const t = await backend.read();
    expect(t.get('tcp|127.0.0.1:80')!.service).toMatchObject({ scheduler: 'wrr', persistent: 300 });
    expect(t.get('tcp|127.0.0.1:80')!.dests.get('127.0.0.2:80')).toEqual({ addr: '127.0.0.2:80', forward: 'masq', weight: 3, uThreshold: 10, lThreshold: 2 });
    expect(backend.spawned).toBe(2);
  });

  test('a failing ipvsadm is EIPVSADM_READ with its stderr and status', async () => {
    fake.control({ fail: [{ match: '-S', exit: 2, stderr: "Can't initialize ipvs: Protocol not available" }] });
    await expect(backend.read()).rejects.toMatchObject({ code: 'EIPVSADM_READ', exitCode: 2, stderr: "Can't initialize ipvs: Protocol not available" });
  });

  test('a missing binary is EIPVSADM_SPAWN', async () => {
    const b = new IpvsadmBackend({ path: join(fake.dir, 'nope'), readThresholds: false });
    await expect(b.read()).rejects.toMatchObject({ code: 'EIPVSADM_SPAWN' });
  });
});

describe('apply', () => {
  test('a batch goes out as ONE -R run plus one verification read', async () => {
    const cmds: IpvsCommand[] = [{ op: 'add-service', service: svc }, ...Array.from({ length: 50 }, (_, i) => add(i + 2))];
    const r = await backend.apply(cmds);
    expect(r.outcomes.every((o) => o.ok)).toBe(true);
    expect(r.outcomes).toHaveLength(51);
    expect(r.table.get('tcp|127.0.0.1:80')!.dests.size).toBe(50);
    expect(r.spawned).toBe(3); // -R, -S -n, -L -n --thresholds
    const calls = fake.calls();
    const writes = calls.filter((c) => c.argv[0] === '-R');
    expect(writes).toHaveLength(1);
    expect(writes[0]!.stdin!.split('\n').filter(Boolean)).toHaveLength(51);
    expect(calls.filter((c) => c.argv[0] !== '-R').map((c) => c.argv[0]).sort()).toEqual(['-L', '-S']);
  });

  test('gate dests land on the service port and count as applied', async () => {
    const r = await backend.apply([{ op: 'add-service', service: svc }, { op: 'add-dest', service: svc, dest: { ...dest(2), addr: '127.0.0.2:8080' } }]);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect([...r.table.get('tcp|127.0.0.1:80')!.dests.keys()]).toEqual(['127.0.0.2:80']);
    expect(r.spawned).toBe(3);
  });

  test('one failing entry: the others land, it is retried alone and reported with status and stderr', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
    fake.control({ fail: [{ match: '-r 127.0.0.3:80', exit: 255, stderr: 'Memory allocation problem' }] });
    const r = await backend.apply([add(2), add(3), add(4)]);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(r.outcomes[1]).toMatchObject({ ok: false, exitCode: 255, error: 'Memory allocation problem' });
    expect([...r.table.get('tcp|127.0.0.1:80')!.dests.keys()].sort()).toEqual(['127.0.0.2:80', '127.0.0.4:80']);
    // -R, read (2), the one retry, read (2)
    expect(r.spawned).toBe(6);
    expect(fake.calls().filter((c) => c.argv[0] === '-a').map((c) => c.argv)).toEqual([
      ['-a', '-t', '127.0.0.1:80', '-r', '127.0.0.3:80', '-g', '-w', '1', '-x', '0', '-y', '0'],
    ]);
  });

  test('a failure that goes away is retried successfully', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
    fake.control({ fail: [{ match: '-r 127.0.0.3:80', times: 1 }] });
    const r = await backend.apply([add(2), add(3)]);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, true]);
    expect(r.table.get('tcp|127.0.0.1:80')!.dests.size).toBe(2);
  });

  test('an option error stops -R; the lines after it are still applied one by one', async () => {
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
    const r = await backend.apply([add(2), { op: 'add-service', service: { ...svc, addr: '127.0.0.1:81', ops: true } }, add(4)]);
    expect(r.outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(r.outcomes[1]).toMatchObject({ exitCode: 2, error: 'One-Packet Scheduling is only for UDP virtual services' });
    expect(r.table.get('tcp|127.0.0.1:80')!.dests.size).toBe(2);
  });

  test('a hung ipvsadm is killed at the deadline, reported, and the next batch works', async () => {
    const quick = new IpvsadmBackend({ path: FAKE_IPVSADM, env: fake.env, timeoutMs: 700, killGraceMs: 100 });
    await fake.run(['-A', '-t', '127.0.0.1:80', '-s', 'wrr']);
    fake.control({ hang: [{ match: '/^-R$|^-a/', ms: 600000 }], ignoreTerm: true });
    const r = await quick.apply([add(2)]);
    expect(r.outcomes).toEqual([{ command: add(2), ok: false, error: 'timed out after 700 ms' }]);
    expect(r.table.get('tcp|127.0.0.1:80')!.dests.size).toBe(0);
    fake.control({});
    const next = await quick.apply([add(2)]);
    expect(next.outcomes[0]!.ok).toBe(true);
    expect(next.table.get('tcp|127.0.0.1:80')!.dests.size).toBe(1);
  });

  test('a hung read is EIPVSADM_TIMEOUT', async () => {
    const quick = new IpvsadmBackend({ path: FAKE_IPVSADM, env: fake.env, timeoutMs: 500, killGraceMs: 100 });
    fake.control({ hang: [{ match: '-S', ms: 600000 }] });
    await expect(quick.read()).rejects.toMatchObject({ code: 'EIPVSADM_TIMEOUT', message: expect.stringContaining('timed out after 500 ms') });
  });

  test('an empty batch only reads', async () => {
    const r = await backend.apply([]);
    expect(r).toMatchObject({ outcomes: [], spawned: 2 });
    expect(fake.calls().some((c) => c.argv[0] === '-R')).toBe(false);
  });
});

describe('MemoryBackend parity with the fake program', () => {
  const v6 = makeService({ protocol: 'tcp', af: 6, addr: '[::1]:80', scheduler: 'rr', persistent: 60, netmask: '64', ops: false });
  const fw = makeService({ protocol: 'fwm', af: 4, addr: '3', scheduler: 'sh', schedflags: 'flag-2', ops: false });
  const sequences: { name: string; cmds: IpvsCommand[] }[] = [
    { name: 'adds, port forcing, edits, deletes', cmds: [
      { op: 'add-service', service: svc }, add(2), { op: 'add-dest', service: svc, dest: { ...dest(3), addr: '127.0.0.3:8080' } },
      { op: 'add-dest', service: svc, dest: { ...dest(4), addr: '127.0.0.4:8080', forward: 'masq' } },
      { op: 'add-dest', service: svc, dest: { ...dest(5), addr: '127.0.0.5:8080', forward: 'ipip' } },
      { op: 'edit-dest', service: svc, dest: dest(2, { weight: 0, uThreshold: 9, lThreshold: 1 }) },
      { op: 'delete-dest', service: svc, addr: '127.0.0.3:80' },
      { op: 'edit-service', service: { ...svc, scheduler: 'rr', persistent: 10 } },
    ] },
    { name: 'kernel errors', cmds: [
      add(2), { op: 'add-service', service: svc }, { op: 'add-service', service: svc }, add(2), add(2),
      { op: 'edit-dest', service: svc, dest: dest(9) }, { op: 'delete-dest', service: svc, addr: '127.0.0.9:80' },
      add(6, { lThreshold: 5 }), { op: 'edit-service', service: { ...svc, addr: '127.0.0.1:99' } },
      { op: 'add-service', service: { ...svc, addr: '127.0.0.1:82', scheduler: 'bogus' } },
      { op: 'delete-service', service: { ...svc, addr: '127.0.0.1:98' } },
    ] },
    { name: 'option errors', cmds: [
      { op: 'add-service', service: { ...svc, ops: true } },
      { op: 'add-service', service: { ...svc, addr: '127.0.0.1:0' } },
      { op: 'add-service', service: svc }, add(2, { addr: '[::1]:80' }),
    ] },
    { name: 'IPv6 and fwmark', cmds: [
      { op: 'add-service', service: v6 }, { op: 'add-dest', service: v6, dest: dest(0, { addr: '[::1]:8082', forward: 'masq', weight: 2 }) },
      { op: 'add-service', service: fw }, { op: 'add-dest', service: fw, dest: dest(2, { addr: '127.0.0.2:8080' }) },
      { op: 'delete-service', service: v6 },
    ] },
  ];

  test.each(sequences)('$name', async ({ cmds }) => {
    const mem = new MemoryBackend();
    const results: (CommandOutcome | undefined)[] = [];
    const memResults: (CommandOutcome | undefined)[] = [];
    // One command per batch, so each outcome comes from its own ipvsadm run.
    for (const c of cmds) {
      results.push((await backend.apply([c])).outcomes[0]);
      memResults.push((await mem.apply([c])).outcomes[0]);
    }
    const norm = (o: CommandOutcome | undefined) => ({ ok: o!.ok, exitCode: o!.exitCode, error: o!.error });
    expect(memResults.map(norm)).toEqual(results.map(norm));
    const viaFake = await backend.read();
    const viaMem = await mem.read();
    expect(sortTable(viaMem)).toEqual(sortTable(viaFake));
  });
});

function sortTable(t: Awaited<ReturnType<MemoryBackend['read']>>) {
  return [...t.entries()].map(([k, e]) => ({ k, service: e.service, dests: [...e.dests.values()].sort((a, b) => a.addr.localeCompare(b.addr)) }))
    .sort((a, b) => a.k.localeCompare(b.k));
}

describe('findIpvsadm', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'find-ipvsadm-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('debug: ./ipvsadm in cwd first, even when not executable (ldirectord tests -f)', () => {
    writeFileSync(join(dir, 'ipvsadm'), '');
    expect(findIpvsadm({ debug: true, cwd: dir })).toBe(join(dir, 'ipvsadm'));
    const here = process.cwd();
    try {
      process.chdir(dir);
      expect(findIpvsadm({ debug: true })).toBe('./ipvsadm');
    } finally {
      process.chdir(here);
    }
    expect(findIpvsadm({ debug: false, cwd: dir })).not.toBe(join(dir, 'ipvsadm'));
  });

  test('then the first executable of the system paths', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, '', { mode: 0o644 });
    writeFileSync(b, '', { mode: 0o755 });
    expect(findIpvsadm({ debug: true, cwd: join(dir, 'none'), paths: [a, b] })).toBe(b);
    expect(findIpvsadm({ debug: false })).toMatch(/^\/(usr\/)?sbin\/ipvsadm$/);
  });

  test('none: EIPVSADM_NOTFOUND', () => {
    expect(() => findIpvsadm({ debug: false, paths: [join(dir, 'x')] })).toThrow(expect.objectContaining({ code: 'EIPVSADM_NOTFOUND', message: 'Can not find ipvsadm' }));
  });
});

import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { lookupService } from 'node:dns/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MaintenanceDir, maintenanceNames, shortName } from '../../src/checks/maintenance.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const touch = (name: string): void => writeFileSync(join(dir, name), '');

/** A resolver from a table, counting calls. */
function table(map: Record<string, string>): { reverse: (ip: string) => Promise<string | undefined>; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    reverse: async (ip) => {
      calls.push(ip);
      return map[ip];
    },
  };
}

test('names in ldirectord order, IPv6 bracketed', () => {
  expect(maintenanceNames({ ip: '10.0.0.1', port: 80 }, 'web1.example.test')).toEqual([
    '10.0.0.1:80', '10.0.0.1', 'web1.example.test:80', 'web1.example.test', 'web1:80', 'web1',
  ]);
  expect(maintenanceNames({ ip: '::1', port: 8080 }, undefined)).toEqual(['[::1]:8080', '[::1]']);
  expect(shortName('Web1.example')).toBeUndefined(); // ldirectord's regex is lower-case only
  expect(shortName('localhost')).toBeUndefined(); // no dot, no short name
});

describe.each([
  ['127.0.0.1:80', '127.0.0.1'],
  ['127.0.0.1', '127.0.0.1'],
  ['web1.example.test:80', '127.0.0.1'],
  ['web1.example.test', '127.0.0.1'],
  ['web1:80', '127.0.0.1'],
  ['web1', '127.0.0.1'],
  ['[::1]:80', '::1'],
  ['[::1]', '::1'],
  ['web6.example.test:80', '::1'],
  ['web6', '::1'],
])('a file named %s', (file, ip) => {
  test(`forces ${ip}:80 down`, async () => {
    const r = table({ '127.0.0.1': 'web1.example.test', '::1': 'web6.example.test' });
    touch(file);
    const m = new MaintenanceDir(dir, { reverse: r.reverse });
    expect(await m.check({ ip, port: 80 })).toBe(file);
  });
  test('does not match another port or address', async () => {
    const r = table({ '127.0.0.1': 'web1.example.test', '::1': 'web6.example.test', '127.0.0.2': 'other.example.test' });
    touch(file);
    const m = new MaintenanceDir(dir, { reverse: r.reverse });
    expect(await m.check({ ip: '127.0.0.2', port: 80 })).toBeUndefined();
    // A name with a port matches that port only; a bare name matches every port.
    expect(await m.check({ ip, port: 81 })).toBe(/:80$/.test(file) ? undefined : file);
  });
});

test('the first name in order wins', async () => {
  touch('web1');
  touch('127.0.0.1');
  const m = new MaintenanceDir(dir, { reverse: table({ '127.0.0.1': 'web1.example.test' }).reverse });
  expect(await m.check({ ip: '127.0.0.1', port: 80 })).toBe('127.0.0.1');
});

test('a directory entry counts too (Perl -e)', async () => {
  mkdirSync(join(dir, '127.0.0.1:80'));
  expect(await new MaintenanceDir(dir, { reverse: async () => undefined }).check({ ip: '127.0.0.1', port: 80 })).toBe('127.0.0.1:80');
});

test('nothing matching: undefined', async () => {
  touch('unrelated');
  const m = new MaintenanceDir(dir, { reverse: table({ '127.0.0.1': 'web1.example.test' }).reverse });
  expect(await m.check({ ip: '127.0.0.1', port: 80 })).toBeUndefined();
});

test('reverse lookups are cached, negative results too, until their TTL', async () => {
  let now = 1000;
  const r = table({ '127.0.0.1': 'web1.example.test' });
  const m = new MaintenanceDir(dir, { reverse: r.reverse, ttlMs: 100, negativeTtlMs: 50, now: () => now });
  await Promise.all([m.check({ ip: '127.0.0.1', port: 80 }), m.check({ ip: '127.0.0.1', port: 81 })]);
  await m.check({ ip: '127.0.0.9', port: 80 });
  await m.check({ ip: '127.0.0.9', port: 80 });
  expect(r.calls).toEqual(['127.0.0.1', '127.0.0.9']);
  now += 60; // negative entry expired, positive not
  await m.check({ ip: '127.0.0.1', port: 80 });
  await m.check({ ip: '127.0.0.9', port: 80 });
  expect(r.calls).toEqual(['127.0.0.1', '127.0.0.9', '127.0.0.9']);
  now += 100;
  await m.check({ ip: '127.0.0.1', port: 80 });
  expect(r.calls).toHaveLength(4);
});

test('a failing resolver or a missing directory never throws', async () => {
  const failing = new MaintenanceDir(dir, { reverse: async () => { throw new Error('SERVFAIL'); } });
  expect(await failing.check({ ip: '127.0.0.1', port: 80 })).toBeUndefined();
  const gone = new MaintenanceDir(join(dir, 'missing'), { reverse: async () => 'x.example' });
  expect(await gone.check({ ip: '127.0.0.1', port: 80 })).toBeUndefined();
});

test('the default resolver is getnameinfo (honours /etc/hosts, as ldirectord)', async () => {
  const { hostname } = await lookupService('127.0.0.1', 0);
  touch(`${hostname}:80`);
  expect(await new MaintenanceDir(dir).check({ ip: '127.0.0.1', port: 80 })).toBe(`${hostname}:80`);
});

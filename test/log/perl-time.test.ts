import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { rmSync } from 'node:fs';
import { perlLocaltime } from '../../src/log/perl-time.js';
import { buildSrc, run, runScript } from './helpers/child.js';

// Fixed points: DST switches in both hemispheres, single-digit days, year ends,
// Lord Howe's half-hour DST, leap day, and the epoch 1795514400 of the contract.
const FIXED = [
  0, 1, 86399, 951782400, 951868800, 1711846799, 1711846800, 1711850400, 1729990800, 1730001600,
  1735689599, 1735689600, 1743868800, 1759593600, 1795514400, 1796000000, 1800000000, 2000000000,
  1709164800, 1709251199, 1693000000, 1157760000,
];
// Deterministic pseudo-random timestamps (LCG), 2001..2036.
const RANDOM = (() => {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < 60; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(1_000_000_000 + (x % 1_100_000_000));
  }
  return out;
})();
const STAMPS = [...FIXED, ...RANDOM];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Pacific/Chatham'];

let dir: string;
beforeAll(() => {
  dir = buildSrc();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function perlTimes(tz: string): Promise<string[]> {
  const r = await run('perl', ['-e', 'print scalar(localtime($_)), "\\n" for @ARGV', ...STAMPS.map(String)], {
    env: { ...process.env, TZ: tz },
  });
  expect(r.code).toBe(0);
  return r.stdout.trimEnd().split('\n');
}

describe('perlLocaltime', () => {
  test.each(ZONES)('matches perl scalar(localtime) under TZ=%s', async (tz) => {
    const script =
      `import { perlLocaltime } from './src/log/perl-time.js';\n` +
      `for (const s of ${JSON.stringify(STAMPS)}) console.log(perlLocaltime(new Date(s * 1000)));\n`;
    const ours = await runScript(dir, script, { ...process.env, TZ: tz });
    expect(ours.stderr).toBe('');
    const expected = await perlTimes(tz);
    expect(expected).toHaveLength(STAMPS.length);
    expect(ours.stdout.trimEnd().split('\n')).toEqual(expected);
  });

  test('pads the day with a space, in this process too', async () => {
    // This process's own zone, whatever it is: compare with perl under the same env.
    const expected = await run('perl', ['-e', 'print scalar(localtime(1795514400))']);
    expect(perlLocaltime(new Date(1795514400 * 1000))).toBe(expected.stdout);
    const r = await run('perl', ['-e', 'print scalar(localtime(1757376000))'], { env: { ...process.env, TZ: 'UTC' } });
    expect(r.stdout).toBe('Tue Sep  9 00:00:00 2025');
  });
});

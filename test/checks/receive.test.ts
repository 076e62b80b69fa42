import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { compileReceive, receiveMatches } from '../../src/checks/receive.js';
import { CheckError } from '../../src/checks/errors.js';

/** The oracle: does Perl (what ldirectord runs) match? */
function perlMatches(pattern: string, subject: string): boolean {
  const r = spawnSync('perl', ['-e', 'exit(($ARGV[1] =~ /$ARGV[0]/) ? 0 : 1)', pattern, subject]);
  if (r.status !== 0 && r.status !== 1) throw new Error(`perl failed: ${r.stderr}`);
  return r.status === 0;
}

test.each([
  ['OK$', 'status OK\n'],
  ['OK$', 'status OK\n\n'],
  ['OK$', 'OK then more'],
  ['^OK$', 'OK'],
  ['\\AOK', 'OK\n'],
  ['OK\\z', 'OK\n'],
  ['OK\\Z', 'OK\n'],
  ['[$]5', 'costs $5'],
  ['[]x]', 'a]b'],
  ['[^]x]', ']]]'],
  ['(?i)healthy', 'HEALTHY'],
  ['a.b', 'a\nb'],
  ['\\$\\d+', 'price $42'],
  ['caf\u00e9', 'le caf\u00e9'],
  ['x|y$', 'yy\n'],
])('/%s/ against %j behaves as in Perl', (pattern, subject) => {
  const expected = perlMatches(pattern, subject);
  expect(receiveMatches(compileReceive(pattern), Buffer.from(subject, 'utf8'))).toBe(expected);
});

test('empty receive matches anything; an invalid one throws a CheckError with L7RSP', () => {
  expect(compileReceive('')).toBeUndefined();
  expect(receiveMatches(undefined, Buffer.from(''))).toBe(true);
  expect(() => compileReceive('a(')).toThrow(CheckError);
  try {
    compileReceive('[z-a]');
  } catch (e) {
    expect((e as CheckError).code).toBe('L7RSP');
  }
  expect.assertions(4);
});

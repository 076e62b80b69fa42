// Every config_error / config_warn of ldirectord's read_config: text in,
// exact message and line out (see cases.ts; differential.test.ts checks the
// same cases against the real Perl).

import { describe, expect, test } from '@jest/globals';
import { ConfigError, formatWarning, parseConfigText, loadConfig } from '../../src/config/index.js';
import { ERROR_CASES, WARN_CASES } from './cases.js';

const FILE = '/etc/ha.d/test.cf';

async function errorOf(text: string): Promise<ConfigError> {
  try {
    await parseConfigText(text, FILE, { hostname: 'testhost' });
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('config was accepted');
}

describe('config errors (one per config_error call)', () => {
  test.each(ERROR_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const e = await errorOf(c.text);
    expect(e.code).toBe('ECONFIG');
    expect({ line: e.line, detail: e.detail }).toEqual({ line: c.line, detail: c.detail });
  });
});

describe('config warnings (one per config_warn call)', () => {
  test.each(WARN_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const config = await parseConfigText(c.text, FILE, { hostname: 'testhost' });
    expect(config.warnings).toContainEqual({ line: c.line, message: c.message });
  });
});

describe('ldirectord text format', () => {
  test('error with a line', async () => {
    const e = await errorOf('fork=1\n');
    expect(e.format(42)).toBe(`Error [42] reading file ${FILE} at line 1: fork must be 'yes' or 'no'\n`);
  });

  test('global Unknown command spans two lines, the second a single space', async () => {
    const e = await errorOf('\nfoo bar\n');
    expect(e.format(7)).toBe(`Error [7] reading file ${FILE} at line 2: Unknown command foo bar\n \n`);
  });

  test('block Unknown command quotes the raw line', async () => {
    const e = await errorOf('virtual=127.0.0.1:80\n\tfoo=1\n');
    expect(e.format(7)).toBe(`Error [7] reading file ${FILE} at line 2: Unknown command "\tfoo=1\n"\n`);
  });

  test('line 0 has no place', async () => {
    const missing = '/nonexistent-ldirectord-test-dir/x.cf';
    const e = await loadConfig(missing).then(() => undefined, (err: unknown) => err as ConfigError);
    expect(e).toBeInstanceOf(ConfigError);
    expect(e!.format(9)).toBe(`Error [9]: can not open file ${missing}\n`);
  });

  test('warning format', () => {
    expect(formatWarning(FILE, { line: 3, message: 'x' }, 5)).toBe(`Warning [5] reading file ${FILE} at line 3: x\n`);
  });

  test('warnings read before an error travel with it', async () => {
    const e = await errorOf('checkcount=2\nfork=x\n');
    expect(e.warnings).toEqual([{ line: 1, message: expect.stringContaining('checkcount option is deprecated') }]);
  });

  test('logfile is not test-opened with debug or supervised', async () => {
    const text = 'logfile="/nonexistent-ldirectord-test-dir/ld.log"\n';
    await expect(parseConfigText(text, FILE, { debug: true })).resolves.toBeDefined();
    await expect(parseConfigText(`supervised=yes\n${text}`, FILE)).resolves.toBeDefined();
    await expect(parseConfigText(text, FILE, { supervised: true })).resolves.toBeDefined();
  });
});

// Getopt::Long ("bundling", "no_auto_abbrev", "require_order") as ldirectord
// configures it; the expectations were checked against /usr/sbin/ldirectord.
import { describe, expect, test } from '@jest/globals';
import { parseArgs } from '../../src/cli/args.js';
import { cfgNameOf, parseInvocation } from '../../src/cli/lookup.js';

describe('parseArgs', () => {
  test.each([
    [['-d', 'x.cf', 'start'], { debug: true, rest: ['x.cf', 'start'] }],
    [['--debug', 'x.cf', 'start'], { debug: true, rest: ['x.cf', 'start'] }],
    [['-dv'], { debug: true, version: true, rest: [] }],
    [['-?'], { help: true, rest: [] }],
    [['--', '-d', 'start'], { debug: false, rest: ['-d', 'start'] }],
    // require_order: options after the first argument are arguments.
    [['x.cf', '-d', 'start'], { debug: false, rest: ['x.cf', '-d', 'start'] }],
    [['-', 'start'], { rest: ['-', 'start'] }],
    [['--ipvs=simulated', 'x.cf', 'start'], { ipvs: 'simulated', rest: ['x.cf', 'start'] }],
    [['--ipvs', 'ipvsadm', 'start'], { ipvs: 'ipvsadm', rest: ['start'] }],
  ])('%j', (argv, want) => {
    const got = parseArgs(argv);
    expect(got.errors).toEqual([]);
    expect(got).toMatchObject(want);
  });

  test.each([
    [['-X'], ['Unknown option: X']],
    [['--Foo'], ['Unknown option: Foo']],
    [['--deb'], ['Unknown option: deb']], // no_auto_abbrev
    [['-debug'], ['Unknown option: e', 'Unknown option: b', 'Unknown option: u', 'Unknown option: g']], // bundling
    [['--debug=1'], ['Option debug does not take an argument']],
    [['--ipvs'], ['Option ipvs requires an argument']],
  ])('%j is refused with %j', (argv, errors) => {
    expect(parseArgs(argv).errors).toEqual(errors);
  });
});

describe('parseInvocation', () => {
  test('one word is the command on the default config; two are CONFIG CMD; extra words are ignored', () => {
    expect(parseInvocation(['status'])).toEqual({ config: 'ldirectord.cf', cfgName: 'ldirectord', command: 'status', json: false });
    expect(parseInvocation(['/etc/ha.d/web.cf', 'stop', 'x'])).toEqual({ config: '/etc/ha.d/web.cf', cfgName: 'web.cf', command: 'stop', json: false });
  });

  test('unknown words, no words and a config alone are usage', () => {
    expect(parseInvocation([])).toBeUndefined();
    expect(parseInvocation(['web.cf'])).toBeUndefined();
    expect(parseInvocation(['web.cf', 'frob'])).toBeUndefined();
    expect(parseInvocation(['web.cf', 'configtest', '--yaml'])).toBeUndefined();
  });

  test('configtest with and without a config, with --json', () => {
    expect(parseInvocation(['configtest'])).toMatchObject({ config: 'ldirectord.cf', command: 'configtest', json: false });
    expect(parseInvocation(['a/b.cf', 'configtest', '--json'])).toMatchObject({ config: 'a/b.cf', cfgName: 'b.cf', json: true });
  });

  test('CFGNAME is the part after the last slash', () => {
    expect(cfgNameOf('/etc/ha.d/conf/web.cf')).toBe('web.cf');
    expect(cfgNameOf('web')).toBe('web');
    expect(cfgNameOf('dir/')).toBe('');
  });
});

// The Prometheus text rendering of the registry, read back by a strict parser.
import { describe, expect, test } from '@jest/globals';
import { Registry } from '../../src/metrics/registry.js';
import { parseExposition, samples } from './parse.js';

describe('Registry', () => {
  test('counters, gauges and collected values render with HELP/TYPE and parse back', () => {
    const r = new Registry();
    const c = r.counter('ldirectord_things_total', 'Things.');
    c.inc({ virtual: 'tcp:127.0.0.1:80', code: 'L4OK' });
    c.inc({ virtual: 'tcp:127.0.0.1:80', code: 'L4OK' }, 2);
    c.inc({ virtual: 'tcp:127.0.0.1:80', code: 'L4CON' });
    let live = 5;
    r.gauge('ldirectord_live', 'Read at scrape.', (set) => set({}, live));
    r.collectedCounter('ldirectord_kept_total', 'Kept elsewhere.', (set) => set({}, 9));
    const first = parseExposition(r.render());
    expect(first.get('ldirectord_things_total')).toMatchObject({ type: 'counter', help: 'Things.' });
    expect(samples(first, 'ldirectord_things_total', { code: 'L4OK' })[0]!.value).toBe(3);
    expect(samples(first, 'ldirectord_things_total', { code: 'L4CON' })[0]!.value).toBe(1);
    expect(samples(first, 'ldirectord_live')[0]!.value).toBe(5);
    expect(first.get('ldirectord_kept_total')!.type).toBe('counter');
    live = 7;
    expect(samples(parseExposition(r.render()), 'ldirectord_live')[0]!.value).toBe(7);
  });

  test('label values are escaped (backslash, quote, newline)', () => {
    const r = new Registry();
    r.gauge('g', 'h').set({ msg: 'a "b" \\ c\nd' }, 1);
    const text = r.render();
    expect(text).toContain('g{msg="a \\"b\\" \\\\ c\\nd"} 1');
    expect(samples(parseExposition(text), 'g')[0]!.labels.msg).toBe('a "b" \\ c\nd');
  });

  test('histogram buckets are cumulative, end at +Inf = count, with sum', () => {
    const r = new Registry();
    const h = r.histogram('d_seconds', 'Durations.', [0.1, 1, 10]);
    for (const v of [0.05, 0.05, 0.5, 5, 50]) h.observe({ check: 'http' }, v);
    const f = parseExposition(r.render());
    const buckets = samples(f, 'd_seconds_bucket', { check: 'http' }).map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([['0.1', 2], ['1', 3], ['10', 4], ['+Inf', 5]]);
    expect(samples(f, 'd_seconds_count')[0]!.value).toBe(5);
    expect(samples(f, 'd_seconds_sum')[0]!.value).toBeCloseTo(55.6);
  });

  test('a duplicate family name is refused', () => {
    const r = new Registry();
    r.counter('x_total', 'x');
    expect(() => r.gauge('x_total', 'y')).toThrow(/duplicate/);
  });
});

// planChecks: ldirectord's checktype dispatch and its one-check-per-real-id rule, as data.
import { describe, expect, it } from '@jest/globals';
import { planChecks, PING_SLACK_MS, type CheckJob } from '../../src/scheduler/plan.js';
import type { VirtualService } from '../../src/config/model.js';
import { config, real, virtual } from './helpers.js';

const one = (v: Partial<VirtualService>): CheckJob => {
  const jobs = planChecks(config([virtual({ checktimeout: 3, negotiatetimeout: 7, checkcount: 2, ...v })]));
  expect(jobs).toHaveLength(1);
  return jobs[0]!;
};

describe('planChecks dispatch', () => {
  const table: [string, Partial<VirtualService>, Partial<CheckJob>][] = [
    ['negotiate http: negotiatetimeout', { checktype: 'negotiate', service: 'http' }, { kind: 'negotiate', service: 'http', deadlineMs: 7000 }],
    ['negotiate smtp: negotiatetimeout', { checktype: 'negotiate', service: 'smtp' }, { kind: 'negotiate', deadlineMs: 7000 }],
    ['negotiate ldap: checktimeout alarm', { checktype: 'negotiate', service: 'ldap' }, { kind: 'negotiate', service: 'ldap', deadlineMs: 3000 }],
    ['negotiate ldaps: checktimeout alarm', { checktype: 'negotiate', service: 'ldaps' }, { kind: 'negotiate', deadlineMs: 3000 }],
    ['negotiate radius: checktimeout alarm', { checktype: 'negotiate', service: 'radius' }, { kind: 'negotiate', deadlineMs: 3000 }],
    ['connect tcp', { checktype: 'connect' }, { kind: 'connect', deadlineMs: 3000 }],
    ['connect udp pings as ldirectord', { checktype: 'connect', protocol: 'udp' }, { kind: 'ping', deadlineMs: 6000 + PING_SLACK_MS }],
    ['ping: checkcount x checktimeout', { checktype: 'ping' }, { kind: 'ping', deadlineMs: 6000 + PING_SLACK_MS }],
    ['external', { checktype: 'external', checkcommand: '/bin/true' }, { kind: 'external', deadlineMs: 3000 }],
    ['external-perl', { checktype: 'external-perl', checkcommand: '/x.pl' }, { kind: 'external-perl', deadlineMs: 3000 }],
    ['on', { checktype: 'on' }, { kind: 'on' }],
    ['combined N=3', { checktype: 'combined', numConnects: 3, service: 'http' },
      { kind: 'combined', numConnects: 3, service: 'http', deadlineMs: 7000, connectDeadlineMs: 3000 }],
  ];
  it.each(table)('%s', (_name, v, want) => {
    expect(one(v)).toMatchObject(want);
  });

  it('uses the checkinterval in ms', () => {
    expect(one({ checktype: 'connect', checkinterval: 4 }).intervalMs).toBe(4000);
  });

  it('plans no job for checktype=off', () => {
    expect(planChecks(config([virtual({ checktype: 'off' })]))).toEqual([]);
  });

  it('passes maintenancedir to every job', () => {
    const jobs = planChecks(config([virtual({ checktype: 'connect' })], '/etc/ha.d/maint'));
    expect(jobs[0]!.maintenanceDir).toBe('/etc/ha.d/maint');
    expect(one({}).maintenanceDir).toBeUndefined();
  });
});

describe('planChecks sharing', () => {
  it('runs a check shared by 3 virtuals once, with the first virtual\'s settings', () => {
    const shared = real('127.0.0.5', 80, 'negotiate:http:tcp:127.0.0.5:80');
    const vs = [1, 2, 3].map((n) =>
      virtual({ port: 80 + n, addr: `127.0.0.1:${80 + n}`, checkinterval: n, reals: [shared] }));
    const jobs = planChecks(config(vs));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.targets.map((t) => t.virtual.port)).toEqual([81, 82, 83]);
    expect(jobs[0]!.intervalMs).toBe(1000);
  });

  it('keeps distinct checkIds apart and config order stable', () => {
    const v = virtual({ checktype: 'connect', reals: [real('127.0.0.2', 80), real('127.0.0.3', 80), real('127.0.0.2', 81)] });
    expect(planChecks(config([v])).map((j) => j.checkId)).toEqual(['chk:127.0.0.2:80', 'chk:127.0.0.3:80', 'chk:127.0.0.2:81']);
  });
});

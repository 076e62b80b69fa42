// defaultCheckFactory: the production checks and a real MaintenanceDir, through the scheduler.
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCheckFactory } from '../../src/scheduler/factory.js';
import { CheckScheduler } from '../../src/scheduler/scheduler.js';
import { planChecks } from '../../src/scheduler/plan.js';
import { CheckCode, type CheckResult } from '../../src/checks/result.js';
import { config, real, until, virtual } from './helpers.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('defaultCheckFactory', () => {
  it('keeps one MaintenanceDir per directory', () => {
    const f = defaultCheckFactory();
    expect(f.maintenance!('/a')).toBe(f.maintenance!('/a'));
    expect(f.maintenance!('/a')).not.toBe(f.maintenance!('/b'));
  });

  it('a file in maintenancedir yields MAINT instead of running the connect check', async () => {
    dir = await mkdtemp(join(tmpdir(), 'ldts-maint-'));
    // Nothing listens on 127.0.0.2:1 (a connect check would say L4CON).
    const jobs = planChecks(config([virtual({ checktype: 'connect', reals: [real('127.0.0.2', 1), real('127.0.0.3', 1)] })], dir));
    await writeFile(join(dir, '127.0.0.2:1'), '');
    const seen = new Map<string, CheckResult>();
    const sched = new CheckScheduler({
      factory: defaultCheckFactory(), startSpreadMs: 0, onResult: (id, r) => seen.set(id, r),
    });
    try {
      sched.update(jobs);
      await until(() => seen.size === 2);
    } finally {
      await sched.stop();
    }
    expect(seen.get('chk:127.0.0.2:1')).toMatchObject({ ok: false, code: CheckCode.MAINT, message: 'Server in maintenance' });
    expect(seen.get('chk:127.0.0.3:1')).toMatchObject({ ok: false, code: CheckCode.L4CON });
  });
});

// One attempt: maintenance first, the kind's check, and checktype=N's num_connects.
import { describe, expect, it } from '@jest/globals';
import { advance, initialState, nextStep, runStep, NUM_CONNECTS_RESET, type CheckFactory } from '../../src/scheduler/attempt.js';
import { planChecks, type CheckJob } from '../../src/scheduler/plan.js';
import { CheckCode } from '../../src/checks/result.js';
import type { RealServer, VirtualService } from '../../src/config/model.js';
import { config, factoryOf, fail, pass, virtual } from './helpers.js';

const job = (v: Partial<VirtualService>, maint?: string): CheckJob => planChecks(config([virtual(v)], maint))[0]!;
const signal = new AbortController().signal;

describe('runStep dispatch', () => {
  const table: [Partial<VirtualService>, string][] = [
    [{ checktype: 'negotiate', service: 'pop' }, 'negotiate:pop'],
    [{ checktype: 'connect' }, 'connect'],
    [{ checktype: 'connect', protocol: 'udp' }, 'ping'],
    [{ checktype: 'ping' }, 'ping'],
    [{ checktype: 'external' }, 'external'],
    [{ checktype: 'external-perl' }, 'external-perl'],
  ];
  it.each(table)('%j runs %s', async (v, want) => {
    const calls: string[] = [];
    const j = job(v);
    await runStep(j, nextStep(j, initialState()).step, factoryOf({}, calls), signal, Date.now);
    expect(calls).toEqual([want]);
  });

  it('checktype=on is up without running anything', async () => {
    const calls: string[] = [];
    const r = await runStep(job({ checktype: 'on' }), 'on', factoryOf({}, calls), signal, Date.now);
    expect(r).toMatchObject({ ok: true, message: '-' });
    expect(calls).toEqual([]);
  });
});

describe('maintenance comes first', () => {
  const probeFor = (found: string | undefined, asked: string[]): CheckFactory => ({
    ...factoryOf({}, asked),
    maintenance: (dir) => ({
      check: async (r: RealServer) => {
        asked.push(`maint:${dir}:${r.ip}`);
        return found;
      },
    }),
  });

  it('a maintenance file makes the verdict MAINT and no check runs', async () => {
    const asked: string[] = [];
    const r = await runStep(job({ checktype: 'connect' }, '/m'), 'connect', probeFor('127.0.0.2', asked), signal, Date.now);
    expect(r).toMatchObject({ ok: false, code: CheckCode.MAINT, message: 'Server in maintenance' });
    expect(asked).toEqual(['maint:/m:127.0.0.2']);
  });

  it('applies to checktype=on too', async () => {
    const r = await runStep(job({ checktype: 'on' }, '/m'), 'on', probeFor('x', []), signal, Date.now);
    expect(r.code).toBe(CheckCode.MAINT);
  });

  it('without a file the check runs', async () => {
    const asked: string[] = [];
    const r = await runStep(job({ checktype: 'connect' }, '/m'), 'connect', probeFor(undefined, asked), signal, Date.now);
    expect(r.ok).toBe(true);
    expect(asked).toEqual(['maint:/m:127.0.0.2', 'connect']);
  });
});

describe('checktype=N (combined)', () => {
  it('negotiates first, then N connects, resets on a connect failure, retries negotiate on its failure', () => {
    const j = job({ checktype: 'combined', numConnects: 2, service: 'http' });
    const state = initialState();
    expect(state.numConnects).toBe(NUM_CONNECTS_RESET);
    // [result of the step that runs] -> expected step sequence
    const script = [
      ['negotiate', fail(CheckCode.L7STS)], // failed negotiate: negotiate again
      ['negotiate', pass(CheckCode.L7OK)], // num_connects = 0
      ['connect', pass()], // 1
      ['connect', fail(CheckCode.INCONCLUSIVE)], // says nothing: still 1
      ['connect', pass()], // 2 = N
      ['negotiate', pass(CheckCode.L7OK)], // 0
      ['connect', fail(CheckCode.L4CON)], // reset to 999999
      ['negotiate', fail(CheckCode.MAINT)], // maintenance changes nothing
      ['negotiate', pass(CheckCode.L7OK)],
      ['connect', pass()],
    ] as const;
    for (const [want, result] of script) {
      const { step, deadlineMs } = nextStep(j, state);
      expect(step).toBe(want);
      expect(deadlineMs).toBe(want === 'negotiate' ? 30000 : 5000);
      advance(j, state, step, result);
    }
  });
});

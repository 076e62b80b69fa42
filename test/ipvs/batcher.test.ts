// IpvsWriter: coalescing, one batch at a time, shadow mode, errors reported.
import { describe, expect, test } from '@jest/globals';
import { IpvsWriter, type WriterReport } from '../../src/ipvs/batcher.js';
import { MemoryBackend } from '../../src/ipvs/memory.js';
import { makeService } from '../../src/ipvs/table.js';
import type { BatchResult, IpvsBackend, IpvsCommand, IpvsTable } from '../../src/ipvs/types.js';

const svc = makeService({ protocol: 'tcp', af: 4, addr: '127.0.0.1:80', scheduler: 'wrr', ops: false });
const add = (n: number): IpvsCommand => ({ op: 'add-dest', service: svc, dest: { addr: `127.0.0.${n}:80`, forward: 'gate', weight: 1, uThreshold: 0, lThreshold: 0 } });

/** A backend that records batches and lets the test decide when each apply() returns. */
class GatedBackend implements IpvsBackend {
  readonly name = 'gated';
  readonly batches: IpvsCommand[][] = [];
  active = 0;
  maxActive = 0;
  #release: (() => void)[] = [];
  readonly inner = new MemoryBackend();
  async read(): Promise<IpvsTable> { return this.inner.read(); }
  async apply(commands: readonly IpvsCommand[]): Promise<BatchResult> {
    this.batches.push([...commands]);
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    await new Promise<void>((r) => this.#release.push(r));
    this.active--;
    return this.inner.apply(commands);
  }
  releaseAll(): void { for (const r of this.#release.splice(0)) r(); }
  async waitForBatches(n: number): Promise<void> { while (this.batches.length < n) await new Promise((r) => setImmediate(r)); }
}

describe('IpvsWriter', () => {
  test('commands enqueued together go out as one batch', async () => {
    const backend = new MemoryBackend();
    const reports: WriterReport[] = [];
    const w = new IpvsWriter(backend, { windowMs: 10, onReport: (r) => reports.push(r) });
    w.enqueue({ op: 'add-service', service: svc });
    for (let i = 2; i < 12; i++) w.enqueue(add(i));
    expect(w.pending).toBe(11); // enqueue returned without applying anything
    await w.flush();
    expect(reports).toHaveLength(1);
    expect(reports[0]!.commands).toHaveLength(11);
    expect(reports[0]!.result!.outcomes.every((o) => o.ok)).toBe(true);
    expect(w.batches).toBe(1);
  });

  test('batches never overlap; what arrives meanwhile becomes the next batch', async () => {
    const backend = new GatedBackend();
    const reports: WriterReport[] = [];
    const w = new IpvsWriter(backend, { windowMs: 1, onReport: (r) => reports.push(r) });
    w.enqueue({ op: 'add-service', service: svc });
    await backend.waitForBatches(1);
    w.enqueue(add(2));
    w.enqueue([add(3), add(4)]);
    await new Promise((r) => setTimeout(r, 30)); // well past the window
    expect(backend.batches).toHaveLength(1); // held back while the first runs
    backend.releaseAll();
    await backend.waitForBatches(2);
    backend.releaseAll();
    await w.flush();
    expect(backend.batches.map((b) => b.length)).toEqual([1, 3]);
    expect(backend.maxActive).toBe(1);
    expect(reports.map((r) => r.commands.length)).toEqual([1, 3]);
  });

  test('shadow mode never applies, it reports what would have run', async () => {
    const backend = new GatedBackend();
    const reports: WriterReport[] = [];
    const w = new IpvsWriter(backend, { shadow: true, windowMs: 1, onReport: (r) => reports.push(r) });
    w.enqueue([{ op: 'add-service', service: svc }, add(2)]);
    await w.flush();
    expect(backend.batches).toHaveLength(0);
    expect(reports).toEqual([{ commands: [{ op: 'add-service', service: svc }, add(2)], shadow: true }]);
  });

  test('a throwing backend is reported, and the writer keeps going', async () => {
    let calls = 0;
    const backend: IpvsBackend = {
      name: 'flaky',
      read: async () => new Map(),
      apply: async () => {
        if (calls++ === 0) throw new Error('cannot read the table');
        return { outcomes: [], table: new Map(), spawned: 0 };
      },
    };
    const reports: WriterReport[] = [];
    const w = new IpvsWriter(backend, { windowMs: 1, onReport: (r) => { reports.push(r); throw new Error('callback bug'); } });
    w.enqueue(add(2));
    await w.flush();
    w.enqueue(add(3));
    await w.flush();
    expect(reports.map((r) => r.error?.message)).toEqual(['cannot read the table', undefined]);
    expect(reports[1]!.result).toBeDefined();
  });

  test('flush with nothing queued resolves at once', async () => {
    const w = new IpvsWriter(new MemoryBackend(), { onReport: () => undefined });
    await w.flush();
    expect(w.batches).toBe(0);
  });
});

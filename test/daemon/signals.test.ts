import { EventEmitter } from 'node:events';
import { describe, expect, test } from '@jest/globals';
import { SignalRouter, type SignalTarget } from '../../src/daemon/signals.js';

// A process stand-in: SignalRouter only calls on/off, and emitting a signal name is how Node delivers it.
function fakeProcess(): NodeJS.Process & EventEmitter {
  return new EventEmitter() as NodeJS.Process & EventEmitter;
}

function recorder(): SignalTarget & { calls: string[] } {
  const calls: string[] = [];
  return { calls, stop: (sig) => calls.push(`stop ${sig}`), reload: () => calls.push('reload') };
}

describe('SignalRouter', () => {
  test('routes TERM/INT/QUIT to stop (first one only) and HUP to reload', () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc);
    const d = recorder();
    router.attach(d);
    proc.emit('SIGHUP');
    proc.emit('SIGINT');
    proc.emit('SIGTERM'); // a second stop signal does not restart the stop
    proc.emit('SIGHUP'); // no reload while stopping
    expect(d.calls).toEqual(['reload', 'stop INT']);
  });

  test('a stop that arrives before the daemon exists is held and delivered on attach', () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc);
    proc.emit('SIGHUP');
    proc.emit('SIGTERM');
    const d = recorder();
    router.attach(d);
    expect(d.calls).toEqual(['stop TERM']);
  });

  test('a reload that arrives before the daemon exists is delivered on attach, once', () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc);
    proc.emit('SIGHUP');
    proc.emit('SIGHUP');
    const d = recorder();
    router.attach(d);
    proc.emit('SIGQUIT');
    expect(d.calls).toEqual(['reload', 'stop QUIT']);
  });

  test('SIGPIPE is ignored, and uninstall() removes every handler', () => {
    const proc = fakeProcess();
    const router = new SignalRouter(proc);
    expect(proc.listenerCount('SIGPIPE')).toBe(1);
    for (const sig of ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP']) expect(proc.listenerCount(sig)).toBe(1);
    router.uninstall();
    expect(proc.eventNames()).toEqual([]);
  });
});

// Signal handling of the running daemon, as ldirectord's ld_init installs it:
// TERM/INT/QUIT stop, HUP reloads, PIPE is ignored (a broken log pipe must not
// kill the director).
import type { RunningDaemon } from './daemon.js';

/** The part of a RunningDaemon that signals drive. */
export type SignalTarget = Pick<RunningDaemon, 'stop' | 'reload'>;

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/** Route process signals to the daemon; returns a function that removes the handlers. */
export function installSignals(daemon: SignalTarget, proc: NodeJS.Process = process): () => void {
  let stopping = false;
  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const sig of STOP_SIGNALS) {
    handlers.set(sig, () => {
      // ldirectord dies with "Exit Handler Repeatedly Called" on a second TERM;
      // ours keeps finishing the first stop (cleanstop must complete).
      if (stopping) return;
      stopping = true;
      daemon.stop(sig.slice(3));
    });
  }
  handlers.set('SIGHUP', () => {
    if (!stopping) daemon.reload();
  });
  handlers.set('SIGPIPE', () => {});
  for (const [sig, fn] of handlers) proc.on(sig, fn);
  return () => {
    for (const [sig, fn] of handlers) proc.off(sig, fn);
  };
}

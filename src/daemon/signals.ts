// Signal handling of the running daemon, as ldirectord's ld_init installs it:
// TERM/INT/QUIT stop, HUP reloads, PIPE is ignored (a broken log pipe must not
// kill the director). ld_init sets its handlers before anything is logged, so
// ours are installed before the daemon exists too: a TERM that Pacemaker sends
// right after the start line (or after the pid file appears) would otherwise
// meet the default action and kill the process mid-start, leaving its pid file.
// What arrives before attach() is held and delivered to the daemon then.
import type { RunningDaemon } from './daemon.js';

/** The part of a RunningDaemon that signals drive. */
export type SignalTarget = Pick<RunningDaemon, 'stop' | 'reload'>;

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/** Process signals routed to a daemon that may not exist yet; uninstall() when it has stopped. */
export class SignalRouter {
  readonly #proc: NodeJS.Process;
  readonly #handlers = new Map<NodeJS.Signals, () => void>();
  #target: SignalTarget | undefined;
  /** The stop signal received (without "SIG"), once one was. */
  #stopping: string | undefined;
  #reloadHeld = false;

  constructor(proc: NodeJS.Process = process) {
    this.#proc = proc;
    for (const sig of STOP_SIGNALS) this.#handlers.set(sig, () => this.#stop(sig.slice(3)));
    this.#handlers.set('SIGHUP', () => this.#reload());
    this.#handlers.set('SIGPIPE', () => {});
    for (const [sig, fn] of this.#handlers) proc.on(sig, fn);
  }

  /** Deliver signals to `target` from now on, starting with any held stop or reload. */
  attach(target: SignalTarget): void {
    this.#target = target;
    if (this.#stopping !== undefined) target.stop(this.#stopping);
    else if (this.#reloadHeld) target.reload();
    this.#reloadHeld = false;
  }

  /** Remove the handlers (signals get their default action again). */
  uninstall(): void {
    for (const [sig, fn] of this.#handlers) this.#proc.off(sig, fn);
  }

  #stop(name: string): void {
    // ldirectord dies with "Exit Handler Repeatedly Called" on a second TERM;
    // ours keeps finishing the first stop (cleanstop must complete).
    if (this.#stopping !== undefined) return;
    this.#stopping = name;
    this.#target?.stop(name);
  }

  #reload(): void {
    if (this.#stopping !== undefined) return;
    if (this.#target) this.#target.reload();
    else this.#reloadHeld = true;
  }
}

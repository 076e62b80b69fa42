// Running the daemon itself: in the foreground (-d, supervised=yes) or as the
// detached copy spawned by `start` (which writes the pid file and reports
// readiness to the waiting parent).
import type { Config } from '../config/model.js';
import { startDaemon, type DaemonOptions, type RunningDaemon } from '../daemon/daemon.js';
import type { SignalRouter } from '../daemon/signals.js';
import { writePidFile, removePidFile } from '../daemon/pidfile.js';
import { reportToParent } from '../daemon/detach.js';
import type { CliLogger } from './logging.js';
import { ldExit } from './logging.js';

/** Everything needed to start a daemon for one config. */
export interface DaemonRun {
  readonly config: Config;
  readonly logger: CliLogger;
  readonly opts: DaemonOptions;
  readonly debug: boolean;
  /** Installed by the caller before its first log line; uninstalled here once the daemon ends. */
  readonly signals: SignalRouter;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// Start, and turn a synchronous throw into a rejected `ready`.
function launch(run: DaemonRun): { daemon?: RunningDaemon; error?: string } {
  try {
    return { daemon: startDaemon(run.config, run.logger, run.opts) };
  } catch (err) {
    return { error: errorText(err) };
  }
}

/** -d / supervised: run in this process until a signal stops the daemon; resolves with the exit status. */
export async function runForeground(run: DaemonRun): Promise<number> {
  const { daemon, error } = launch(run);
  if (!daemon) {
    run.signals.uninstall();
    return ldExit(run.logger, run.debug, 1, error!);
  }
  // ld_process_term ends in ld_exit, which -d (DEBUG 3) logs: remember which signal it was.
  let signal = 'TERM';
  run.signals.attach({
    stop: (sig) => daemon.stop((signal = sig)),
    reload: () => daemon.reload(),
  });
  try {
    await daemon.ready;
  } catch (err) {
    run.signals.uninstall();
    return ldExit(run.logger, run.debug, 1, errorText(err));
  }
  const code = await daemon.stopped;
  run.signals.uninstall();
  return ldExit(run.logger, run.debug, code, `Linux Director Daemon terminated on signal: ${signal}`);
}

/** The detached copy: pid file, daemon, readiness report; resolves with the exit status once stopped. */
export async function runDetachedChild(run: DaemonRun, pidFile: string): Promise<number> {
  try {
    writePidFile(pidFile);
  } catch (err) {
    run.signals.uninstall();
    reportToParent(`Can not open ${pidFile}: ${errorText(err)}`);
    return ldExit(run.logger, run.debug, 1, 'Initialisation Error');
  }
  // Keep no directory busy (ld_daemon's chdir("/")); configPath is already absolute.
  process.chdir('/');
  const { daemon, error } = launch(run);
  if (!daemon) {
    run.signals.uninstall();
    removePidFile(pidFile);
    reportToParent(error);
    return ldExit(run.logger, run.debug, 1, error!);
  }
  run.signals.attach(daemon);
  try {
    await daemon.ready;
  } catch (err) {
    run.signals.uninstall();
    removePidFile(pidFile);
    reportToParent(errorText(err));
    return ldExit(run.logger, run.debug, 1, errorText(err));
  }
  reportToParent();
  const code = await daemon.stopped;
  run.signals.uninstall();
  removePidFile(pidFile);
  return code;
}

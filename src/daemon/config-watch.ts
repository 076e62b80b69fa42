// autoreload / callback, as ldirectord's check_cfgfile: the config's mtime is
// polled and, when it moved, its md5 compared with the last one seen; only a
// real content change is reported. chokidar only makes the poll prompt (an
// editor's save is seen at once); the md5 decides, so a rewrite with the same
// bytes (touch, a config-management run) stays silent.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, accessSync, constants } from 'node:fs';
import { watch as chokidarWatch } from 'chokidar';
import { runCommand } from '../alerts/command.js';
import type { Logger } from '../log/types.js';

/** What the watcher needs to know about the current config (it changes with each reload). */
export interface WatchSettings {
  /** autoreload=yes: reread the config on a change; no: only log it. */
  readonly autoreload: boolean;
  /** callback="CMD": run as `CMD CONFIG` after a change, when CMD is an executable file. */
  readonly callback?: string;
}

/** Options of watchConfig. */
export interface WatchOptions {
  /** Called on a content change when autoreload is on (the daemon's reload); awaited before the callback runs. */
  readonly onChange: () => void | Promise<void>;
  readonly logger: Logger;
  /** Poll interval (ldirectord polls once per checkinterval). */
  readonly intervalMs: number;
  /** Current autoreload/callback; default: autoreload on, no callback. */
  readonly settings?: () => WatchSettings;
  /** The path as ldirectord prints it in its messages (default: the watched path). */
  readonly displayPath?: string;
  /** Deadline for the callback command (then TERM, then KILL, to its process group). */
  readonly callbackTimeoutMs?: number;
  /** Use chokidar as well as polling (default true). */
  readonly useFsEvents?: boolean;
}

/** A running watcher. */
export interface ConfigWatcher {
  /** Stop watching (pending work finishes in the background). */
  close(): Promise<void>;
  /** Check now (what a poll tick does); resolves when the check and any reaction are done. */
  check(): Promise<void>;
}

function md5(path: string): string | undefined {
  try {
    return createHash('md5').update(readFileSync(path)).digest('hex');
  } catch {
    return undefined;
  }
}

function statKey(path: string): string | undefined {
  try {
    const st = statSync(path);
    // ldirectord compares whole-second mtimes and misses a second edit within the
    // same second; ns mtime, size and inode catch editors that rename into place.
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function isExecutableFile(cmd: string): boolean {
  try {
    return statSync(cmd).isFile() && (accessSync(cmd, constants.X_OK), true);
  } catch {
    return false;
  }
}

/** Watch the config file like check_cfgfile; the daemon wires onChange to its reload. */
export function watchConfig(path: string, opts: WatchOptions): ConfigWatcher {
  const shown = opts.displayPath ?? path;
  const settings: () => WatchSettings = opts.settings ?? (() => ({ autoreload: true }));
  let lastStat = statKey(path);
  let lastSum = md5(path);
  let missingLogged = false;
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;

  // system("$CALLBACK $CONFIG") through the shared runner: sh -c, a deadline for
  // the whole process group, and `system(...) failed: <real reason>` when it fails.
  const runCallback = async (cmd: string) => {
    await runCommand(`${cmd} ${path}`, { timeoutMs: opts.callbackTimeoutMs ?? 30_000, logger: opts.logger });
  };

  const checkOnce = async () => {
    const st = statKey(path);
    if (st === lastStat) return;
    lastStat = st;
    const sum = md5(path);
    if (sum === undefined) {
      if (!missingLogged) {
        // config_warn(0, ...) once the daemon runs: logged, no "reading file" part.
        opts.logger.info(`Warning [${process.pid}]: can not open file ${shown} for checking`);
        missingLogged = true;
      }
      return;
    }
    missingLogged = false;
    const changed = lastSum !== undefined && lastSum !== sum;
    lastSum = sum;
    if (!changed) return;
    const { autoreload, callback } = settings();
    opts.logger.info(`Configuration file '${shown}' has changed on disk`);
    if (autoreload) {
      opts.logger.info(' - reread new configuration');
      try {
        await opts.onChange();
      } catch (err) {
        opts.logger.info(`reload failed: ${(err as Error).message}`);
      }
    } else {
      // ldirectord passes " - ignore new configuration\n"; ld_log chomps it.
      opts.logger.info(' - ignore new configuration');
    }
    if (callback && isExecutableFile(callback)) await runCallback(callback);
  };

  // One check at a time; a trigger during a check schedules exactly one more.
  const check = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await checkOnce();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => void check(), opts.intervalMs);
  timer.unref();
  const fsw = opts.useFsEvents === false
    ? undefined
    : chokidarWatch(path, { ignoreInitial: true, persistent: false });
  fsw?.on('all', () => void check());
  fsw?.on('error', () => {}); // polling still covers us

  return {
    check,
    async close() {
      closed = true;
      clearInterval(timer);
      await fsw?.close();
    },
  };
}

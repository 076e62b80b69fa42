// `ldirectord [-d] [-h] [-v] [configfile] start|stop|restart|try-restart|reload|force-reload|status`
// with ldirectord 4.12's texts, streams and exit codes (ld_init is the model),
// plus the `configtest [--json]` extension. bin/ldirectord calls main().
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, ConfigError, formatWarning, summarize, configToJSON } from '../config/index.js';
import type { Config } from '../config/model.js';
import type { DaemonOptions } from '../daemon/daemon.js';
import { pidFilePath, readPidFile, runDir } from '../daemon/pidfile.js';
import { controlSocketPath } from '../control/paths.js';
import { spawnDetached, takeChildMarker, reportToParent } from '../daemon/detach.js';
import { SignalRouter } from '../daemon/signals.js';
import { parseArgs, type ParsedArgs } from './args.js';
import { parseInvocation, findConfig, type Invocation } from './lookup.js';
import { openLogger, ldExit, DEFAULT_LOGFILE, type CliLogger } from './logging.js';
import { invokedAs } from './self.js';
import { parseQuery, runReport, type QueryInvocation } from './report.js';
import { runDiff } from './diff.js';
import { HELP_TEXT, USAGE_TEXT, USAGE_EXIT, VERSION_STR, VERSION_TEXT } from './texts.js';

/** The process context the CLI runs in (injectable so the logic is not tied to globals). */
export interface CliContext {
  readonly argv: readonly string[];
  /** $0: the launcher as invoked (`./ldirectord` stays relative, as in Perl). */
  readonly self: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** This process is the detached daemon copy spawned by `start`. */
  readonly detachedChild: boolean;
}

// Everything known once the config has been read.
interface Session {
  readonly ctx: CliContext;
  readonly args: ParsedArgs;
  readonly inv: Invocation;
  readonly file: string;
  readonly config: Config;
  readonly logger: CliLogger;
  readonly pidFile: string;
}

// Absolute path: the detached daemon chdirs to "/" and must still find its config on reload.
// --shadow and --metrics reach the detached copy through LDIRECTORD_SHADOW / LDIRECTORD_METRICS
// (its cmdline must stay `<bin> <cfg> start`).
function daemonOptions(s: Session, debug: boolean): DaemonOptions {
  const { args, ctx, inv, config } = s;
  const metrics = args.metrics ?? ctx.env.LDIRECTORD_METRICS;
  return {
    configPath: resolve(s.file),
    configName: inv.cfgName,
    debug,
    ipvs: ipvsMode(args, ctx.env),
    shadow: shadowFlag(args, ctx.env) || config.global.shadow,
    controlSocket: controlSocketPath(inv.cfgName, runDir(ctx.env)),
    ...(metrics ? { metrics } : {}),
  };
}

function shadowFlag(args: ParsedArgs, env: NodeJS.ProcessEnv): boolean {
  return args.shadow || env.LDIRECTORD_SHADOW === 'yes';
}

// report / diff (extensions): ask the running daemon over its control socket; nothing is logged.
async function runQuery(ctx: CliContext, q: QueryInvocation): Promise<number> {
  const file = findConfig(q.config);
  if (file === undefined) {
    ctx.stderr(`Config file ${q.config} not found\n`);
    return 1;
  }
  const socket = controlSocketPath(q.cfgName, runDir(ctx.env));
  return q.command === 'report' ? runReport(ctx, socket, file, q.json) : runDiff(ctx, socket, file, q.json);
}

function ipvsMode(args: ParsedArgs, env: NodeJS.ProcessEnv): DaemonOptions['ipvs'] {
  return args.ipvs ?? (env.LDIRECTORD_IPVS === 'simulated' ? 'simulated' : 'ipvsadm');
}

function usage(ctx: CliContext): number {
  ctx.stdout(USAGE_TEXT);
  return USAGE_EXIT;
}

/** Run one command line; resolves with the exit status. */
export async function runCli(ctx: CliContext): Promise<number> {
  const args = parseArgs(ctx.argv);
  for (const e of args.errors) ctx.stderr(`${e}\n`);
  if (args.errors.length > 0) return usage(ctx);
  if (args.help) {
    ctx.stdout(HELP_TEXT);
    return 0;
  }
  if (args.version) {
    ctx.stdout(VERSION_TEXT);
    if (args.debug) {
      const logger = openLogger({ debug: true, supervised: false, logfile: DEFAULT_LOGFILE, cfgName: 'ldirectord' });
      ldExit(logger, true, 0, '');
      await logger.close();
    }
    return 0;
  }
  const query = parseQuery(args.rest);
  if (query) return runQuery(ctx, query);
  const inv = parseInvocation(args.rest);
  if (!inv) return usage(ctx);

  const file = findConfig(inv.config);
  if (file === undefined) {
    // init_error: logged (default logfile, the config is unknown), on stderr unless -d, exit 1.
    const logger = openLogger({ debug: args.debug, supervised: false, logfile: DEFAULT_LOGFILE, cfgName: inv.cfgName });
    const msg = `Config file ${inv.config} not found`;
    logger.info(msg);
    if (!args.debug) ctx.stderr(`${msg}\n`);
    if (ctx.detachedChild) reportToParent(msg);
    ldExit(logger, args.debug, 1, 'Initialisation Error');
    await logger.close();
    return 1;
  }

  let config: Config;
  try {
    config = await loadConfig(file, { name: inv.cfgName, debug: args.debug, supervised: false });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return await configFailure(ctx, args, inv, file, err);
  }
  for (const w of config.warnings) ctx.stderr(formatWarning(file, w, process.pid));

  const logger = openLogger({
    debug: args.debug, supervised: config.global.supervised, logfile: config.global.logfile, cfgName: inv.cfgName,
  });
  const s: Session = { ctx, args, inv, file, config, logger, pidFile: pidFilePath(inv.cfgName) };
  try {
    if (ctx.detachedChild) return await daemonChild(s);
    logger.info(`Invoking ldirectord invoked as: ${ctx.self} ${args.rest.map((a) => `${a} `).join('')}`);
    if (inv.command === 'configtest') return configtest(s);
    return await command(s);
  } finally {
    await logger.close();
  }
}

// config_error at start-up: the text on stderr (after any warnings), exit 2, logged.
async function configFailure(ctx: CliContext, args: ParsedArgs, inv: Invocation, file: string, err: ConfigError): Promise<number> {
  for (const w of err.warnings) ctx.stderr(formatWarning(file, w, process.pid));
  const text = err.format(process.pid);
  ctx.stderr(text);
  if (ctx.detachedChild) reportToParent(text.trim());
  // ldirectord logs to whatever logfile= lines it had read before the error.
  const logger = openLogger({
    debug: args.debug, supervised: false, logfile: err.logfile ?? DEFAULT_LOGFILE, cfgName: inv.cfgName,
  });
  ldExit(logger, args.debug, 2, 'config_error: Configuration Error');
  await logger.close();
  return 2;
}

function configtest(s: Session): number {
  if (s.inv.json) {
    const j: unknown = configToJSON(s.config);
    s.ctx.stdout(`${typeof j === 'string' ? j : JSON.stringify(j, null, 2)}\n`.replace(/\n\n$/, '\n'));
  } else {
    const text = summarize(s.config);
    s.ctx.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }
  return ldExit(s.logger, s.args.debug, 0, 'Exiting from ldirectord configtest');
}

// The pid-file state machine of ld_init.
async function command(s: Session): Promise<number> {
  const { ctx, inv, logger, pidFile } = s;
  const cmd = inv.command;
  const done = (status: number) => ldExit(logger, s.args.debug, status, `Exiting from ldirectord ${cmd}`);
  const state = readPidFile(pidFile);
  if (state.pid !== undefined) {
    const pid = state.pid;
    if (cmd === 'start') return done(0);
    if (cmd === 'stop') {
      signal(pid, 'SIGTERM');
      return done(0);
    }
    if (cmd === 'reload' || cmd === 'force-reload') {
      signal(pid, 'SIGHUP');
      return done(0);
    }
    if (cmd === 'status') {
      const line = `ldirectord for ${s.file} is running with pid: ${pid}`;
      ctx.stderr(`${line}\n`);
      runChildren(s, 'status');
      logger.info(line);
      logger.info(`Exiting from ldirectord ${cmd}`);
      return done(0);
    }
    // restart / try-restart: TERM, wait for the pid file to go, then start.
    signal(pid, 'SIGTERM');
    while (existsSync(pidFile)) await sleep(100);
  } else if (cmd === 'stop' || cmd === 'try-restart') {
    return done(0);
  } else if (cmd === 'status') {
    let status = 3;
    if (state.filePid !== undefined) {
      const line = `ldirectord stale pid file ${pidFile} for ${s.file}`;
      ctx.stderr(`${line}\n`);
      logger.info(line);
      status = 1;
    }
    ctx.stdout(`ldirectord is stopped for ${s.file}\n`);
    return done(status);
  } else if (cmd === 'reload' || cmd === 'force-reload') {
    logger.info(`ldirectord is stopped for ${s.file}`);
    return done(1);
  }
  return start(s);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // Gone between the check and the kill: Perl's kill() fails silently too.
  }
}

// ld_cmd_children: run `LDIRECTORD CHILD CMD` for each execute= config, stdio shared.
function runChildren(s: Session, cmd: string): void {
  for (const child of s.config.global.execute) {
    const line = `${s.ctx.self} ${child} ${cmd}`;
    const r = spawnSync('/bin/sh', ['-c', line], { stdio: 'inherit' });
    if (r.status !== 0) {
      s.logger.info(`system(${line}) failed: ${r.error ? r.error.message : `exit status ${r.status ?? r.signal}`}`);
    }
  }
}

// The daemon's module graph (checks, drivers, winston transports...) is loaded only
// to run one: status/stop/reload, which Pacemaker runs every few seconds, stay quick.
const daemonModule = () => import('./run-daemon.js');

async function start(s: Session): Promise<number> {
  const { ctx, args, inv, config, logger, pidFile } = s;
  const opts = daemonOptions(s, args.debug);
  if (config.global.supervised || args.debug) {
    const { runForeground } = await daemonModule();
    // Before the start line: from that line on, TERM/HUP are handled, even while the daemon is built.
    const signals = new SignalRouter();
    logger.info(`Starting ${VERSION_STR} with pid: ${process.pid}`);
    return runForeground({ config, logger, opts, debug: args.debug, signals });
  }
  logger.info(`Starting ${VERSION_STR} as daemon`);
  try {
    accessSync(dirname(pidFile), constants.W_OK);
  } catch {
    return initError(s, `Can not open ${pidFile}`);
  }
  try {
    await spawnDetached({
      execPath: process.execPath,
      execArgv: process.execArgv,
      script: ctx.self,
      args: [inv.config, 'start'],
      // The mode travels in the environment so the daemon's cmdline stays `<bin> <cfg> start`.
      env: {
        LDIRECTORD_IPVS: opts.ipvs,
        ...(shadowFlag(args, ctx.env) ? { LDIRECTORD_SHADOW: 'yes' } : {}),
        ...(opts.metrics ? { LDIRECTORD_METRICS: opts.metrics } : {}),
      },
    });
    return 0;
  } catch (err) {
    return initError(s, `ldirectord daemon failed to start: ${(err as Error).message}`);
  }
}

function initError(s: Session, msg: string): number {
  s.logger.info(msg);
  if (!s.args.debug) s.ctx.stderr(`${msg}\n`);
  return ldExit(s.logger, s.args.debug, 1, 'Initialisation Error');
}

// The detached copy: it was spawned as `<bin> <config as given> start`.
async function daemonChild(s: Session): Promise<number> {
  const opts = daemonOptions(s, false);
  const { runDetachedChild } = await daemonModule();
  // Before the pid file exists: a TERM sent as soon as it appears must stop us cleanly.
  const signals = new SignalRouter();
  return runDetachedChild({ config: s.config, logger: s.logger, opts, debug: false, signals }, s.pidFile);
}

/** Entry point used by bin/ldirectord: runs the command line and exits with its status. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const detachedChild = takeChildMarker(process.env);
  const code = await runCli({
    argv,
    self: invokedAs(),
    env: process.env,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    detachedChild,
  }).catch((err: unknown) => {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`ldirectord: ${msg}\n`);
    if (detachedChild) reportToParent(err instanceof Error ? err.message : String(err));
    return 1;
  });
  // Linux writes to pipes and files synchronously, so nothing is lost by exiting now.
  process.exit(code);
}

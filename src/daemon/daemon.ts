// The running daemon: wires config -> scheduler -> director -> table sync,
// and carries out what the director asks (log lines, email alerts, fallback
// commands, monitorfile lines). Lifecycle: start, reload (HUP / autoreload),
// stop (TERM/INT, honouring cleanstop).
import { EmailAlerter } from '../alerts/email.js';
import { fallbackCommandLine, runCommand } from '../alerts/command.js';
import { CheckCode, type CheckResult } from '../checks/result.js';
import { loadConfig, ConfigError } from '../config/index.js';
import type { Config } from '../config/model.js';
import { Director, type Step } from '../director/director.js';
import type { DirectorEvent } from '../director/events.js';
import type { IpvsBackend } from '../ipvs/types.js';
import { MonitorFile } from '../log/monitorfile.js';
import type { Logger } from '../log/types.js';
import { planChecks, type CheckJob } from '../scheduler/plan.js';
import { CheckScheduler } from '../scheduler/scheduler.js';
import { ControlServer } from '../control/server.js';
import { buildSnapshot } from '../control/snapshot.js';
import { describeDrift } from '../ipvs/diff.js';
import { commandLine } from '../ipvs/save-format.js';
import { LD_VERSION, Observer } from '../metrics/observer.js';
import { MetricsServer } from '../metrics/server.js';
import { defaultCheckFactory } from '../scheduler/factory.js';
import { openBackend } from './backend.js';
import { watchConfig, type ConfigWatcher } from './config-watch.js';
import { TableSync } from './sync.js';

/** How the CLI asks for a daemon. */
export interface DaemonOptions {
  /** Config path as resolved by the CLI lookup. */
  readonly configPath: string;
  /** CFGNAME (basename of the config argument, or 'ldirectord'). */
  readonly configName: string;
  /** -d given: use ./ipvsadm if present, debug output on stderr. */
  readonly debug: boolean;
  /** 'simulated' = the in-memory IPVS table (demo/tests); 'ipvsadm' = the real program. */
  readonly ipvs: 'ipvsadm' | 'simulated';
  /** Never write the table; log what would be done (extension). */
  readonly shadow: boolean;
  /** Where the control socket goes (next to the pid file); undefined = none. */
  readonly controlSocket?: string;
  /** `host:port` of the Prometheus endpoint (--metrics=); overrides the config's metrics= (extension). */
  readonly metrics?: string;
  /** A ready backend to use instead of choosing one (the demo shows its simulated table). */
  readonly backend?: IpvsBackend;
}

/** A daemon that has been started. */
export interface RunningDaemon {
  /** Resolves once the table is set up and checks are scheduled. Rejects on a fatal start error. */
  readonly ready: Promise<void>;
  /** Resolves with the exit code once the daemon has fully stopped. */
  readonly stopped: Promise<number>;
  /** Stop (cleanstop honoured), logging `Linux Director Daemon terminated on signal: SIG`. */
  stop(signal: string): void;
  /** Re-read the config file (SIGHUP). */
  reload(): void;
}

/** ldirectord's daemon states, used by the emailalertstatus filter. */
export type DaemonState = 'starting' | 'running' | 'stopping' | 'reloading';

/** Start the daemon on an already-loaded config. */
export function startDaemon(config: Config, logger: Logger, opts: DaemonOptions): RunningDaemon {
  const daemon = new Daemon(config, logger, opts);
  return {
    ready: daemon.ready,
    stopped: daemon.stopped,
    stop: (signal) => void daemon.stop(signal),
    reload: () => void daemon.reload('signal'),
  };
}

/** The components of one daemon and the glue between them. */
class Daemon {
  readonly ready: Promise<void>;
  readonly stopped: Promise<number>;
  #resolveStopped!: (code: number) => void;
  #config: Config;
  readonly #logger: Logger;
  readonly #opts: DaemonOptions;
  #state: DaemonState = 'starting';
  readonly #director: Director;
  readonly #monitor: MonitorFile;
  readonly #alerter: EmailAlerter;
  #backend: IpvsBackend | undefined;
  #sync: TableSync | undefined;
  #scheduler: CheckScheduler | undefined;
  #watcher: ConfigWatcher | undefined;
  #resend: NodeJS.Timeout | undefined;
  #reloading: Promise<void> = Promise.resolve();
  readonly #observer: Observer;
  readonly #startedAt = Date.now();
  #control: ControlServer | undefined;
  #metrics: MetricsServer | undefined;

  constructor(config: Config, logger: Logger, opts: DaemonOptions) {
    this.#config = config;
    this.#logger = logger;
    this.#opts = opts;
    this.#director = new Director(config);
    this.#monitor = new MonitorFile({ logger });
    this.#alerter = new EmailAlerter({ logger, config: () => this.#config, status: () => this.#state });
    this.#observer = new Observer({
      config: () => this.#config,
      director: () => this.#director,
      table: () => this.#sync?.table,
      scheduler: () => this.#scheduler?.stats(),
    });
    this.stopped = new Promise((resolve) => (this.#resolveStopped = resolve));
    this.ready = this.#start();
    this.ready.catch(() => this.#resolveStopped(1));
  }

  async #start(): Promise<void> {
    const logger = this.#logger;
    if (this.#config.global.fork) logger.info('fork=yes is ignored: every real server is checked concurrently on its own timer');
    this.#backend = this.#opts.backend ?? (await openBackend(this.#opts, logger));
    this.#sync = new TableSync({
      backend: this.#backend,
      director: this.#director,
      logger,
      shadow: this.#opts.shadow,
      reconcileMs: this.#config.global.reconcileinterval * 1000,
      onBatch: (result) => this.#observer.batch(result),
    });
    const table = await this.#sync.read();
    this.#apply(this.#director.start(table, Date.now()));
    this.#scheduler = new CheckScheduler({
      factory: defaultCheckFactory(),
      logger,
      onResult: (checkId, result, job) => this.#onResult(checkId, result, job),
    });
    this.#scheduler.update(planChecks(this.#config));
    this.#watcher = watchConfig(this.#opts.configPath, {
      logger,
      displayPath: this.#config.file,
      intervalMs: this.#config.global.checkinterval * 1000,
      settings: () => ({ autoreload: this.#config.global.autoreload, callback: this.#config.global.callback }),
      onChange: () => this.reload('file'),
    });
    this.#resend = setInterval(() => this.#alerter.resend(Math.floor(Date.now() / 1000)), this.#config.global.checkinterval * 1000);
    this.#resend.unref();
    await this.#openObservability();
    this.#state = 'running';
  }

  /** Control socket and metrics endpoint: a failure to open either is logged, never fatal. */
  async #openObservability(): Promise<void> {
    const path = this.#opts.controlSocket;
    if (path) {
      try {
        this.#control = await ControlServer.listen({
          path,
          logger: this.#logger,
          handlers: { ping: () => ({ pid: process.pid }), report: () => this.#snapshot(), diff: () => this.#diff() },
        });
      } catch (err) {
        this.#logger.info(`Control socket not available: ${(err as Error).message}`);
      }
    }
    const metrics = this.#opts.metrics ?? this.#config.global.metrics;
    if (metrics) {
      try {
        this.#metrics = await MetricsServer.listen(metrics, () => this.#observer.render());
        this.#logger.info(`Metrics on http://${this.#metrics.address}/metrics`);
      } catch (err) {
        this.#logger.info(`Metrics endpoint ${metrics} not available: ${(err as Error).message}`);
      }
    }
  }

  #snapshot(): unknown {
    return buildSnapshot({
      config: this.#config,
      director: this.#director,
      table: this.#sync?.table,
      consecutiveFailures: (id) => this.#observer.consecutiveFailures(id),
      scheduler: this.#scheduler?.stats(),
      pid: process.pid,
      shadow: this.#opts.shadow,
      ipvs: this.#backend?.name ?? '',
      ...(this.#metrics ? { metrics: this.#metrics.address } : {}),
      startedAt: this.#startedAt,
      now: Date.now(),
      version: LD_VERSION,
    });
  }

  /** Desired vs a fresh read of the live table: the commands that would reconcile them (nothing is run). */
  async #diff(): Promise<unknown> {
    const table = await this.#backend!.read();
    const drift = describeDrift(this.#director.desired(), table);
    return {
      ipvsadm: this.#backend!.name,
      shadow: this.#opts.shadow,
      inSync: drift.length === 0,
      drift: drift.map((d) => ({ kind: d.kind, message: d.message, command: commandLine(d.command) })),
    };
  }

  /** One check verdict: monitorfile lines, then the director, then a table pass if something changed. */
  #onResult(checkId: string, result: CheckResult, job: CheckJob): void {
    this.#observer.result(checkId, result, job);
    if (result.code !== CheckCode.INCONCLUSIVE && job.kind !== 'on') {
      for (const { virtual } of job.targets) {
        if (virtual.monitorfile) void this.#monitor.write(virtual.monitorfile, checkId, result.ok ? 'up' : 'down', result.message);
      }
    } else if (result.code === CheckCode.INCONCLUSIVE) {
      this.#logger.debug(2, `Inconclusive check ${checkId}: ${result.message}`);
    }
    this.#apply(this.#director.verdict(checkId, result, Date.now()));
    this.#observer.transitions(job, this.#director);
  }

  /** Carry out a director step: events in order, then the table pass. */
  #apply(step: Step): void {
    for (const event of step.events) this.#carry(event);
    if (step.changed || step.commands.length) this.#sync?.request(step.commands);
  }

  #carry(event: DirectorEvent): void {
    switch (event.kind) {
      case 'log':
        this.#logger.info(event.message);
        break;
      case 'email':
        this.#alerter.send(event.subject, event.virtual, event.rserver, event.time);
        break;
      case 'fallbackcommand': {
        const cmd = event.virtual.fallbackcommand;
        if (cmd) void runCommand(fallbackCommandLine(cmd, event.status, event.virtual), { timeoutMs: 30_000, logger: this.#logger });
        break;
      }
    }
  }

  /** Re-read the config; a broken one is logged and the old one keeps running fully. */
  reload(source: 'signal' | 'file'): Promise<void> {
    this.#reloading = this.#reloading.then(() => this.#reload(source));
    return this.#reloading;
  }

  async #reload(source: 'signal' | 'file'): Promise<void> {
    if (this.#state !== 'running') return;
    if (source === 'signal') this.#logger.info('Reloading Linux Director Daemon config on signal');
    this.#state = 'reloading';
    try {
      const next = await loadConfig(this.#opts.configPath, {
        shownAs: this.#config.file,
        name: this.#opts.configName,
        debug: this.#opts.debug,
        supervised: this.#config.global.supervised,
      });
      const { table, mark } = await this.#sync!.readMarked();
      this.#config = next;
      this.#apply(this.#director.reload(next, table, Date.now(), mark));
      this.#scheduler!.update(planChecks(next));
    } catch (err) {
      if (err instanceof ConfigError) this.#logger.info(err.format(process.pid));
      else this.#logger.info(`Reload failed: ${(err as Error).message}`);
    } finally {
      if (this.#state === 'reloading') this.#state = 'running';
    }
  }

  /** Stop: checks first, then cleanstop purges, then the last log line. Idempotent. */
  async stop(signal: string): Promise<void> {
    if (this.#state === 'stopping') return;
    try {
      await this.ready;
    } catch {
      return;
    }
    await this.#reloading;
    this.#state = 'stopping';
    clearInterval(this.#resend);
    await this.#watcher?.close();
    await this.#scheduler?.stop();
    const step = this.#director.stop();
    for (const event of step.events) this.#carry(event);
    await this.#sync?.final(step.commands);
    this.#logger.info(`Linux Director Daemon terminated on signal: ${signal}`);
    await Promise.all([this.#monitor.flush(), this.#alerter.flush(), this.#control?.close(), this.#metrics?.close()]);
    this.#resolveStopped(0);
  }
}

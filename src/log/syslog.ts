// Syslog without native modules. Node cannot send AF_UNIX datagrams, so one
// long-lived logger(1) child (util-linux/bsdutils, always present on Debian)
// gets one line per message on stdin and sends each as one datagram to the
// socket, in the shape Perl's Sys::Syslog uses for ldirectord:
//   <PRI>Mmm dd hh:mm:ss ldirectord[PID]: MSG
// (Sys::Syslog also appends "\n\0", which syslog daemons strip; logger does not.)

import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import Transport from 'winston-transport';
import { FailureEpisode } from './episode.js';
import { bareLine } from './format.js';

/** How long messages go to stderr after logger(1) failed, before syslog is tried again. */
const RETRY_MS = 10_000;

/** Facility names ldirectord's logfile= may hold (Sys::Syslog's list, as logger(1) knows them). */
export const SYSLOG_FACILITIES = [
  'auth', 'authpriv', 'cron', 'daemon', 'ftp', 'kern', 'lpr', 'mail', 'news', 'syslog', 'user',
  'uucp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;

/** A facility name logfile= may hold. */
export type SyslogFacility = (typeof SYSLOG_FACILITIES)[number];

/** Thrown by SyslogTransport's constructor for a facility syslog does not know. */
export class SyslogFacilityError extends Error {
  readonly code = 'ESYSLOGFACILITY';
  constructor(readonly facility: string) {
    super(`unknown syslog facility: ${facility}`);
    this.name = 'SyslogFacilityError';
  }
}

/** True when logfile= names a syslog facility rather than a file (ld_log: anything not starting with '/'). */
export function isSyslogTarget(logfile: string): boolean {
  return !logfile.startsWith('/');
}

/** Options of SyslogTransport. */
export interface SyslogTransportOptions extends Transport.TransportStreamOptions {
  facility: string;
  /** The daemon's pid, asked for each message: it changes when the daemon detaches. */
  pid: () => number;
  /** Datagram socket path; /dev/log by default (a test socket in tests). */
  socket?: string;
  /** Where the fallback goes when the socket is unusable (process.stderr). */
  stderr?: Writable;
  /** logger(1) binary. */
  loggerPath?: string;
}

/** A winston transport sending each message to syslog as ident `ldirectord`, option pid, priority info. */
export class SyslogTransport extends Transport {
  readonly #facility: SyslogFacility;
  readonly #pid: () => number;
  readonly #socket: string;
  readonly #stderr: Writable;
  readonly #loggerPath: string;
  readonly #episode = new FailureEpisode();
  #child?: ChildProcess;
  #childPid = 0;
  #exits: Promise<void>[] = [];
  /** After logger(1) failed, messages go to stderr until then (epoch ms): a stale socket must not eat them one by one. */
  #retryAt = 0;

  constructor(opts: SyslogTransportOptions) {
    super(opts);
    if (!(SYSLOG_FACILITIES as readonly string[]).includes(opts.facility)) {
      throw new SyslogFacilityError(opts.facility);
    }
    this.#facility = opts.facility as SyslogFacility;
    this.#pid = opts.pid;
    this.#socket = opts.socket ?? '/dev/log';
    this.#stderr = opts.stderr ?? process.stderr;
    this.#loggerPath = opts.loggerPath ?? 'logger';
  }

  /** winston entry point. */
  override log(info: Record<string | symbol, unknown>, callback: () => void): void {
    this.#send(String(info.message));
    callback();
  }

  /** Stop the logger child after it has sent what it was given. */
  async close(): Promise<void> {
    this.#stop();
    await Promise.all(this.#exits);
  }

  #send(message: string): void {
    // logger(1) reads one message per line; an embedded newline would split
    // the message, so it is sent as the two-character escape Perl never makes.
    const line = message.replace(/\n/g, '\\n');
    const pid = this.#pid();
    if (this.#child && this.#childPid !== pid) this.#stop();
    if (!this.#child && !this.#start(pid)) {
      this.#stderr.write(bareLine(message));
      return;
    }
    this.#child!.stdin!.write(`${line}\n`);
  }

  #start(pid: number): boolean {
    if (Date.now() < this.#retryAt) return false;
    let isSocket = false;
    try {
      isSocket = statSync(this.#socket).isSocket();
    } catch {
      // absent: reported below
    }
    if (!isSocket) {
      this.#report(`syslog socket ${this.#socket} is not available`);
      return false;
    }
    const child = spawn(
      this.#loggerPath,
      ['--socket-errors=on', '-u', this.#socket, '-d', '-t', 'ldirectord', `--id=${pid}`,
        '-p', `${this.#facility}.info`, '--size', '8192'],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let stderrText = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => { if (stderrText.length < 1000) stderrText += d; });
    // EPIPE after logger died: the exit handler reports it.
    child.stdin!.on('error', () => {});
    this.#exits.push(new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (this.#child === child) {
          this.#child = undefined;
          if (code !== 0) this.#retryAt = Date.now() + RETRY_MS;
          this.#report(`logger(1) for ${this.#socket} exited (${signal ?? `status ${code}`}): ${stderrText.trim().split('\n')[0] ?? ''}`);
        }
        resolve();
      });
      child.once('error', (err) => {
        if (this.#child === child) {
          this.#child = undefined;
          this.#retryAt = Date.now() + RETRY_MS;
          this.#report(`cannot run logger(1): ${err.message}`);
        }
        resolve();
      });
    }));
    // The daemon must be able to exit with the logger child still running.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stderr as unknown as { unref?: () => void }).unref?.();
    this.#child = child;
    this.#childPid = pid;
    this.#episode.ok();
    return true;
  }

  #stop(): void {
    const child = this.#child;
    this.#child = undefined;
    child?.stdin?.end();
  }

  #report(what: string): void {
    if (this.#episode.fail()) {
      this.#stderr.write(`ldirectord: ${what}; messages go to stderr until syslog works again\n`);
    }
  }
}

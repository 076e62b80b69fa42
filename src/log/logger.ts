// createLdLogger: ld_log and ld_debug on top of winston, with one transport
// per ldirectord destination (log file, syslog, stderr for -d, stdout for
// supervised=yes). Each transport formats the line its destination wants.

import type { Writable } from 'node:stream';
import winston from 'winston';
import type Transport from 'winston-transport';
import { AppendFileTransport } from './file-transport.js';
import { bareLine, chomp, debugLine, fileLine, supervisedLine } from './format.js';
import { perlLocaltime } from './perl-time.js';
import { StreamTransport } from './stream-transport.js';
import { SyslogTransport } from './syslog.js';
import type { Logger } from './types.js';

/** Where ld_log lines go: ldirectord picks -d first, then supervised, then logfile= (a path or a facility). */
export type LogMode = 'file' | 'syslog' | 'stderr' | 'stdout';

/** Options of createLdLogger. */
export interface LdLoggerOptions {
  mode: LogMode;
  /** Log file path, for mode 'file'. */
  file?: string;
  /** Syslog facility (`local0` ...), for mode 'syslog'. */
  facility?: string;
  /** Basename of the config file (ldirectord's CFGNAME). */
  cfgName: string;
  /** The daemon's pid, asked per line because it changes when the daemon detaches. */
  pid?: () => number;
  /** ldirectord's $DEBUG: 3 with -d, else 0. ld_debug prints priority <= debugLevel. */
  debugLevel: number;
  /** Syslog datagram socket (default /dev/log). */
  syslogSocket?: string;
  /** Streams, injectable for tests (process.stdout / process.stderr). */
  stdout?: Writable;
  stderr?: Writable;
}

/** A Logger that can be flushed (queued file writes done) and closed (also stops the syslog child; no logging after). */
export type LdLogger = Logger & { flush(): Promise<void>; close(): Promise<void> };

/** Thrown by createLdLogger for options that name no destination. */
export class LogOptionsError extends Error {
  readonly code = 'ELOGOPTIONS';
  constructor(message: string) {
    super(message);
    this.name = 'LogOptionsError';
  }
}

/** Build ldirectord's logger: info() is ld_log, debug() is ld_debug. */
export function createLdLogger(opts: LdLoggerOptions): LdLogger {
  const pid = opts.pid ?? (() => process.pid);
  const stderr = opts.stderr ?? process.stderr;
  const transport = makeTransport(opts, pid, stderr);
  const winstonLogger = winston.createLogger({ level: 'info', transports: [transport], exitOnError: false });

  const debug = (priority: number, message: string): void => {
    if (opts.debugLevel >= priority) stderr.write(debugLine(priority, chomp(message)));
  };

  return {
    info(message: string): void {
      // ld_log hands every message to ld_debug(2) first: with -d each line
      // appears twice on stderr, `DEBUG2: msg` then `msg` (seen on 4.12).
      debug(2, message);
      winstonLogger.info(chomp(message));
    },
    debug,
    async flush(): Promise<void> {
      if (transport instanceof AppendFileTransport) await transport.flush();
    },
    async close(): Promise<void> {
      if (transport instanceof AppendFileTransport) await transport.flush();
      if (transport instanceof SyslogTransport) await transport.close();
      winstonLogger.close();
    },
  };
}

function makeTransport(opts: LdLoggerOptions, pid: () => number, stderr: Writable): Transport {
  switch (opts.mode) {
    case 'stderr':
      return new StreamTransport({ stream: stderr, format: winston.format.printf((i) => bareLine(String(i.message))) });
    case 'stdout':
      return new StreamTransport({
        stream: opts.stdout ?? process.stdout,
        format: winston.format.printf((i) => supervisedLine(perlLocaltime(), String(i.message))),
      });
    case 'file':
      if (!opts.file) throw new LogOptionsError('mode file needs a file');
      return new AppendFileTransport({
        filename: opts.file,
        stderr,
        format: winston.format.printf((i) => fileLine(perlLocaltime(), opts.cfgName, pid(), String(i.message))),
      });
    case 'syslog':
      if (!opts.facility) throw new LogOptionsError('mode syslog needs a facility');
      return new SyslogTransport({ facility: opts.facility, pid, socket: opts.syslogSocket, stderr });
  }
}

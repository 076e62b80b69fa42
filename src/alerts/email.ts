// EmailAlerter: ldirectord's email alerts (ld_emailalert_send,
// ld_emailalert_resend): the EMAILSTATUS bookkeeping, the daemon-status
// filter, the `emailalert: SUBJECT` log line, and delivery by SMTP
// (nodemailer, as Net::SMTP) or sendmail -t (as Mail::Send). Delivery runs
// in a bounded queue, one message at a time, so a slow or dead mail server
// never delays a check; ldirectord blocked for up to 120 s per message.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname as osHostname, userInfo } from 'node:os';
import nodemailer from 'nodemailer';
import { DaemonStatus } from '../config/model.js';
import { FailureEpisode } from '../log/episode.js';
import type { Logger } from '../log/types.js';
import {
  alertBody, alertSubject, perlTrue, recipients, sendmailMessage, smtpMessage, virtualDetails,
  type AlertVirtual,
} from './message.js';

/** A daemon state, as daemon_status_str names it. */
export type DaemonStatusName = keyof typeof DaemonStatus;

/** Options of EmailAlerter. */
export interface EmailAlerterOptions {
  logger: Logger;
  /** The daemon's state now (filters by emailalertstatus, and goes in the body); 'running' when neither this nor `status` is given. */
  getStatus?: () => DaemonStatusName;
  /** Same as getStatus (the name src/daemon uses). */
  status?: () => DaemonStatusName;
  /** Global emailalertfrom= (verbatim in the From: header). */
  emailalertfrom?: string;
  /** The current config: when given, emailalertfrom is read from it per message, so a reload takes effect. */
  config?: () => { readonly global: { readonly emailalertfrom?: string } };
  /** Host name for the body and the envelope sender (os.hostname(), as Sys::Hostname). */
  hostname?: string;
  /** User name for the envelope sender (the effective user's). */
  user?: string;
  /** sendmail, used when smtp= is unset (/usr/sbin/sendmail). */
  sendmailPath?: string;
  /** SMTP port (25, as Net::SMTP->new(host) dials). */
  smtpPort?: number;
  /** Per-phase SMTP timeouts and the sendmail deadline, ms (5000 / 5000 / 10000). */
  connectTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Messages waiting beyond the one in flight; more are dropped (100). */
  maxQueue?: number;
}

interface AlertState {
  readonly v: AlertVirtual;
  readonly rserver: string;
  readonly alerttime: number;
}

interface Delivery {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly smtp?: string;
  /** emailalertfrom= when the alert was raised. */
  readonly from?: string;
  readonly done: () => void;
}

/** Email alerts, ldirectord's rules, never blocking the caller. */
export class EmailAlerter {
  readonly #o: EmailAlerterOptions;
  readonly #getStatus: () => DaemonStatusName;
  readonly #hostname: string;
  readonly #user: string;
  /** ldirectord's %EMAILSTATUS: `RSERVER (VIRTUAL)` -> last alert for a real still down. */
  readonly #status = new Map<string, AlertState>();
  readonly #queue: Delivery[] = [];
  readonly #overflow = new FailureEpisode();
  #busy = false;
  #idle: Array<() => void> = [];

  constructor(opts: EmailAlerterOptions) {
    this.#o = opts;
    this.#getStatus = opts.getStatus ?? opts.status ?? (() => 'running');
    this.#hostname = opts.hostname ?? osHostname();
    this.#user = opts.user ?? userInfo().username;
  }

  /**
   * ld_emailalert_send: book-keep, filter, log `emailalert: SUBJECT`, queue the mail.
   * currentTime is in seconds (0 = the real is fine again: forget it). The promise
   * settles when this message is delivered, failed or skipped; callers need not wait.
   */
  send(subject: string, virtual: AlertVirtual, rserver: string, currentTime: number): Promise<void> {
    const id = `${rserver} (${virtual.addr})`;
    if (currentTime === 0 || virtual.emailalertfreq === 0) this.#status.delete(id);
    else this.#status.set(id, { v: virtual, rserver, alerttime: currentTime });

    const state = this.#getStatus();
    if ((DaemonStatus[state] & virtual.emailalertstatus) === 0) return Promise.resolve();
    if (virtual.emailalert === '') return Promise.resolve();

    this.#o.logger.info(`emailalert: ${subject}`);
    const mailed = alertSubject(subject, virtual);
    const body = alertBody(this.#hostname, mailed, state, virtualDetails(virtual));
    const from = this.#o.config ? this.#o.config().global.emailalertfrom : this.#o.emailalertfrom;
    return this.#enqueue({ to: virtual.emailalert, subject: mailed, body, smtp: virtual.smtp, from });
  }

  /** ld_emailalert_resend: `Inaccessible real server: ID` for each real still down emailalertfreq seconds after its last alert. */
  resend(now: number): Promise<void> {
    const sent: Promise<void>[] = [];
    for (const [id, es] of [...this.#status]) {
      if (now - es.alerttime < es.v.emailalertfreq) continue;
      sent.push(this.send(`Inaccessible real server: ${id}`, es.v, es.rserver, now));
    }
    return Promise.all(sent).then(() => {});
  }

  /** The reals waiting for a resend, `RSERVER (VIRTUAL)` -> time of the last alert (seconds). */
  get pending(): ReadonlyMap<string, number> {
    return new Map([...this.#status].map(([id, es]) => [id, es.alerttime]));
  }

  /** Same as idle() (the name src/daemon uses at stop). */
  flush(): Promise<void> {
    return this.idle();
  }

  /** Resolves when no message is queued or in flight. */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #enqueue(job: Omit<Delivery, 'done'>): Promise<void> {
    if (this.#queue.length >= (this.#o.maxQueue ?? 100)) {
      if (this.#overflow.fail()) {
        this.#o.logger.info(`email alert queue full: dropping alerts until it drains (first dropped: ${job.subject})`);
      }
      return Promise.resolve();
    }
    return new Promise((done) => {
      this.#queue.push({ ...job, done });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
      await this.#deliver(job);
      job.done();
    }
    this.#busy = false;
    this.#overflow.ok();
    this.#idle.splice(0).forEach((r) => r());
  }

  async #deliver(job: Delivery): Promise<void> {
    if (job.smtp !== undefined) {
      if (!(await this.#smtp(job))) this.#o.logger.info('failed to send SMTP email message');
    } else if (!(await this.#sendmail(job))) {
      this.#o.logger.info('failed to send email message');
    }
  }

  async #smtp(job: Delivery): Promise<boolean> {
    const envelopeFrom = `${this.#user}@${this.#hostname}`;
    const from = perlTrue(job.from) ? job.from : envelopeFrom;
    const transport = nodemailer.createTransport({
      host: job.smtp,
      port: this.#o.smtpPort ?? 25,
      secure: false,
      // Net::SMTP never starts TLS; a self-signed STARTTLS offer must not break alerts.
      ignoreTLS: true,
      // Net::SMTP's default EHLO name: an MTA that accepted ldirectord accepts us.
      name: 'localhost.localdomain',
      connectionTimeout: this.#o.connectTimeoutMs ?? 5000,
      greetingTimeout: this.#o.greetingTimeoutMs ?? 5000,
      socketTimeout: this.#o.socketTimeoutMs ?? 10_000,
    });
    try {
      // raw: exactly Net::SMTP's three headers, no Date/Message-ID/MIME added.
      await transport.sendMail({
        envelope: { from: envelopeFrom, to: recipients(job.to) },
        raw: smtpMessage(from, job.to, job.subject, job.body),
      });
      return true;
    } catch {
      return false;
    } finally {
      transport.close();
    }
  }

  #sendmail(job: Delivery): Promise<boolean> {
    const path = this.#o.sendmailPath ?? '/usr/sbin/sendmail';
    if (!existsSync(path)) return Promise.resolve(false);
    const from = perlTrue(job.from) ? job.from : undefined;
    return new Promise((resolve) => {
      const child = spawn(path, ['-t'], { stdio: ['pipe', 'ignore', 'ignore'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#o.socketTimeoutMs ?? 10_000);
      child.once('error', () => {
        clearTimeout(timer);
        resolve(false);
      });
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve(code === 0);
      });
      child.stdin.on('error', () => {});
      child.stdin.end(sendmailMessage(from, job.to, job.subject, job.body));
    });
  }
}

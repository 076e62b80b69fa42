// The text of an ldirectord email alert, as ld_emailalert_send and its two
// senders build it: pure functions, so the bytes are testable on their own.

import type { VirtualService } from '../config/model.js';

/** What of a virtual service an alert reads. */
export type AlertVirtual = Pick<
  VirtualService,
  'addr' | 'emailalert' | 'emailalertfreq' | 'emailalertstatus' | 'smtp' | 'servicename' | 'comment'
>;

/** Perl truth of an optional string: undef, '' and '0' are false (`if ($v->{servicename})`). */
export function perlTrue(s: string | undefined): s is string {
  return s !== undefined && s !== '' && s !== '0';
}

/** _ld_virtual_server_details: `Service name: ...\nComment: ...\n`, each when set; '' when neither. */
export function virtualDetails(v: Pick<AlertVirtual, 'servicename' | 'comment'>): string {
  let details = '';
  if (perlTrue(v.servicename)) details += `Service name: ${v.servicename}\n`;
  if (perlTrue(v.comment)) details += `Comment: ${v.comment}\n`;
  return details;
}

/** The subject as mailed: `[SERVICENAME] ` prefixed when servicename= is set. */
export function alertSubject(subject: string, v: Pick<AlertVirtual, 'servicename'>): string {
  return perlTrue(v.servicename) ? `[${v.servicename}] ${subject}` : subject;
}

/** The body, LF line ends: host, Log-Message, Daemon-Status, then a blank line and the details when there are any. */
export function alertBody(hostname: string, subject: string, status: string, details: string): string {
  let body = `ldirectord host: ${hostname}\nLog-Message: ${subject}\nDaemon-Status: ${status}\n`;
  if (details) body += `\n${details}\n`;
  return body;
}

/** Headers and body as Net::SMTP sends them (From, To, Subject; CRLF), for `smtp=`. */
export function smtpMessage(from: string, to: string, subject: string, body: string): string {
  return `From: ${from}\nTo: ${to}\nSubject: ${subject}\n\n${body}`.replace(/\r?\n/g, '\r\n');
}

/** Headers and body as Mail::Send hands them to `sendmail -t` (To, Subject, From when set; LF). */
export function sendmailMessage(from: string | undefined, to: string, subject: string, body: string): string {
  const fromHeader = from === undefined ? '' : `From: ${from}\n`;
  return `To: ${to}\nSubject: ${subject}\n${fromHeader}\n${body}`;
}

/** Envelope recipients of an emailalert= value (`a@x, b@y`: the manual allows a list). */
export function recipients(to: string): string[] {
  return to.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

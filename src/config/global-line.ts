// One top-level line of ldirectord.cf (read_config's global elsif chain).
// Global lines are matched raw: no comment stripping, trailing newline kept
// (it ends up inside the `Unknown command` text, as ldirectord prints it).

import { closeSync, openSync, statSync } from 'node:fs';
import type { Diagnostics, GlobalDraft, ReadOptions } from './draft.js';
import { readEmailalert, parseEmailalertstatus } from './emailalert.js';
import { perlNum, perlTrue, twoArgOpenName } from './perl.js';

/** A global fallback/fallback6 line: resolved by the reader (needs the resolver). */
export interface GlobalFallbackLine {
  af: 4 | 6;
  text: string;
}

const yesNo = (v: string): boolean => v === 'yes' || v === 'no';

/** Apply one global line to `g`; returns the fallback to resolve when the line is fallback/fallback6. */
export function applyGlobalLine(
  g: GlobalDraft, linedata: string, line: number, diag: Diagnostics, opts: ReadOptions,
): GlobalFallbackLine | undefined {
  let m: RegExpExecArray | null;
  let d: RegExpExecArray | null;
  if ((m = /^checktimeout\s*=\s*(.*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]) && perlNum(d[1]!) > 0)) diag.error(line, 'invalid check timeout value');
    g.checktimeout = perlNum(d[1]!);
  } else if (/^connecttimeout\s*=\s*(.*)/.test(linedata)) {
    diag.error(line, 'connecttimeout directive deprecated in favour of negotiatetimeout');
  } else if ((m = /^negotiatetimeout\s*=\s*(.*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]) && perlNum(d[1]!) > 0)) diag.error(line, 'invalid negotiate timeout value');
    g.negotiatetimeout = perlNum(d[1]!);
  } else if ((m = /^checkinterval\s*=\s*(.*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]))) diag.error(line, 'invalid check interval value');
    g.checkinterval = perlNum(d[1]!);
  } else if ((m = /^checkcount\s*=\s*(.*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]))) diag.error(line, 'invalid check count value');
    g.checkcount = perlNum(d[1]!);
    diag.warn(line, "checkcount option is deprecated and slated for removal.  please see 'failurecount'");
  } else if ((m = /^failurecount\s*=\s*(.*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]))) diag.error(line, 'invalid failure count value');
    g.failurecount = perlNum(d[1]!);
  } else if ((m = /^fallback(6)?\s*=\s*(.*)/.exec(linedata))) {
    return { af: m[1] ? 6 : 4, text: m[2]! };
  } else if ((m = /^fallbackcommand\s*=\s*(.*)/.exec(linedata))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'invalid fallback command');
    g.fallbackcommand = m[1]!;
  } else if ((m = /^autoreload\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "autoreload must be 'yes' or 'no'");
    g.autoreload = m[1]!;
  } else if ((m = /^callback\s*=\s*"(.*)"/.exec(linedata))) {
    g.callback = m[1]!;
  } else if ((m = /^logfile\s*=\s*"(.*)"/.exec(linedata))) {
    if (!openlogOk(m[1]!, g, opts)) diag.error(line, `unable to open logfile: ${m[1]!}`);
    g.logfile = diag.logfile = m[1]!;
  } else if ((m = /^execute\s*=\s*(.*)/.exec(linedata))) {
    // %LD_INSTANCE is a hash: each configuration once.
    if (!g.execute.includes(m[1]!)) g.execute.push(m[1]!);
  } else if ((m = /^fork\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "fork must be 'yes' or 'no'");
    g.fork = m[1]!;
  } else if (/^supervised/.test(linedata)) {
    if ((m = /^supervised\s*=\s*(.*)/.exec(linedata)) && yesNo(m[1]!)) {
      g.supervised = m[1]!;
    } else if (/^supervised\s*$/.test(linedata)) {
      g.supervised = 'yes';
      diag.warn(line, 'please update your config not to use a bare supervised directive');
    } else {
      diag.error(line, "supervised must be 'yes' or 'no'");
    }
  } else if ((m = /^quiescent\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "quiescent must be 'yes' or 'no'");
    g.quiescent = m[1]!;
  } else if ((m = /^readdquiescent\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "readdquiescent must be 'yes' or 'no'");
    g.readdquiescent = m[1]!;
  } else if ((m = /^emailalert\s*=\s*(.*)/.exec(linedata))) {
    g.emailalert = readEmailalert(diag, line, m[1]!);
  } else if ((m = /^emailalertfreq\s*=\s*(\d*)/.exec(linedata))) {
    d = /(\d+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid email alert frequency');
    g.emailalertfreq = d[1]!;
  } else if ((m = /^emailalertstatus\s*=\s*(.*)/.exec(linedata))) {
    g.emailalertstatus = parseEmailalertstatus(diag, line, m[1]!);
  } else if ((m = /^emailalertfrom\s*=\s*(.*)/.exec(linedata))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'no email from address specified');
    g.emailalertfrom = m[1]!;
  } else if ((m = /^cleanstop\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "cleanstop must be 'yes' or 'no'");
    g.cleanstop = m[1]!;
  } else if ((m = /^smtp\s*=\s*(.*)/.exec(linedata))) {
    d = /(^([0-9A-Za-z._+-]+))/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid SMTP server address');
    g.smtp = d[1]!;
  } else if ((m = /^maintenancedir\s*=\s*(.*)/.exec(linedata))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'maintenance directory not specified');
    g.maintenancedir = m[1]!;
    if (!isDir(m[1]!)) diag.warn(line, 'maintenance directory does not exist');
  } else if (!applyExtensionLine(g, linedata, line, diag)) {
    if (/^timeout\s*=\s*(.*)/.test(linedata)) {
      diag.error(line, 'timeout directive deprecated in favour of checktimeout and negotiatetimeout');
    }
    diag.error(line, `Unknown command ${linedata} `);
  }
  return undefined;
}

// Extension keys (not in ldirectord): reconcileinterval, metrics, shadow. Errors in ldirectord's style.
function applyExtensionLine(g: GlobalDraft, linedata: string, line: number, diag: Diagnostics): boolean {
  let m: RegExpExecArray | null;
  if ((m = /^reconcileinterval\s*=\s*(.*)/.exec(linedata))) {
    const d = /(\d+)/.exec(m[1]!);
    if (!(d && perlTrue(d[1]) && perlNum(d[1]!) > 0)) diag.error(line, 'invalid reconcile interval value');
    g.reconcileinterval = perlNum(d[1]!);
  } else if ((m = /^metrics\s*=\s*(.*)/.exec(linedata))) {
    const d = /^"?(\d+\.\d+\.\d+\.\d+|\[[0-9A-Fa-f:]+\]|[A-Za-z0-9.-]+):(\d+)"?\s*$/.exec(m[1]!);
    if (!d || perlNum(d[2]!) < 1 || perlNum(d[2]!) > 65535) {
      diag.error(line, 'invalid metrics address, should be host:port');
    }
    g.metrics = `${d[1]!}:${perlNum(d[2]!)}`;
  } else if ((m = /^shadow\s*=\s*(.*)/.exec(linedata))) {
    if (!yesNo(m[1]!)) diag.error(line, "shadow must be 'yes' or 'no'");
    g.shadow = m[1]!;
  } else {
    return false;
  }
  return true;
}

// ld_openlog: skipped with -d or supervised; a path is test-opened for append; anything else is a syslog facility.
function openlogOk(logfile: string, g: GlobalDraft, opts: ReadOptions): boolean {
  if (opts.debug || opts.supervised || g.supervised === 'yes') return true;
  if (!logfile.startsWith('/')) return true;
  return appendable(logfile) === undefined;
}

/** Test-open `name` for append as Perl's 2-argument open does; undefined on success, else the error. */
export function appendable(name: string): unknown {
  try {
    closeSync(openSync(twoArgOpenName(name), 'a'));
    return undefined;
  } catch (e) {
    return e;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

// One line inside a virtual= block (read_config's inner elsif chain), after
// ldirectord's clean-up: comment removed, tabs as 4 spaces, indentation cut.
// `rcmd` is that cleaned text; `linedata` the raw line for `Unknown command`.

import { existsSync } from 'node:fs';
import type { Diagnostics, VirtualDraft } from './draft.js';
import { readEmailalert, parseEmailalertstatus } from './emailalert.js';
import { parseFallback } from './fallback.js';
import { perlNum, perlTrue, strerror } from './perl.js';
import { appendable } from './global-line.js';
import { SERVICES } from './model.js';

/** A real=/real6= line waiting for the end of its block (resolution needs the final protocol). */
export interface RealTodo {
  text: string;
  line: number;
}

/** Context of one block: where reals and the fallback line are collected. */
export interface BlockState {
  v: VirtualDraft;
  realTodo: RealTodo[];
  fallbackLine?: number;
  hostname: string;
}

/** IPVS schedulers known to the kernel (for our warning; ldirectord accepts any [a-z]+). */
export const IPVS_SCHEDULERS = ['rr', 'wrr', 'lc', 'wlc', 'lblc', 'lblcr', 'dh', 'sh', 'sed', 'nq', 'fo', 'ovf', 'mh', 'twos'];
/** ipvsadm -b flags. */
export const IPVS_SCHEDFLAGS = ['flag-1', 'flag-2', 'flag-3', 'sh-fallback', 'sh-port', 'mh-fallback', 'mh-port'];

const SERVICE_LIST_MSG =
  'service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, mysql, nntp, ' +
  'none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission';

const yesNo = (v: string): boolean => v === 'yes' || v === 'no';

// `$1 =~ /(\d+)/ && $1 or config_error`: the digits, which must be Perl-true.
function digits(diag: Diagnostics, line: number, value: string, msg: string): string {
  const d = /(\d+)/.exec(value);
  if (!(d && perlTrue(d[1]))) diag.error(line, msg);
  return d[1]!;
}

/** Apply one block line to the block state (errors raised at once, as ldirectord reads). */
export function applyVirtualLine(b: BlockState, rcmd: string, linedata: string, line: number, diag: Diagnostics): void {
  const v = b.v;
  let m: RegExpExecArray | null;
  let d: RegExpExecArray | null;
  if ((m = /^(real(6)?)\s*=\s*(.*)/.exec(rcmd))) {
    if ((v.af === 4 && m[2] !== undefined) || (v.af === 6 && m[2] === undefined)) {
      diag.error(line, `cannot specify "${m[1]!}" here.  please use "real${v.af === 4 ? '' : '6'}" instead`);
    }
    b.realTodo.push({ text: m[3]!, line });
  } else if ((m = /^request\s*=\s*"(.*)"/.exec(rcmd))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'no request string specified');
    v.request = m[1]!.startsWith('/') ? m[1]! : `/${m[1]!}`;
  } else if ((m = /^receive\s*=\s*"(.*)"/.exec(rcmd))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'invalid receive string');
    v.receive = m[1]!;
  } else if ((m = /^checktype\s*=\s*(.*)/.exec(rcmd))) {
    const val = m[1]!;
    if ((d = /(\d+)/.exec(val))) {
      v.numConnects = d[1]!;
      v.checktype = 'combined';
    } else if ((d = /([\w-]+)/.exec(val)) &&
      ['connect', 'negotiate', 'ping', 'off', 'on', 'external', 'external-perl'].includes(d[1]!)) {
      v.checktype = d[1]!;
    } else {
      diag.error(line, 'checktype must be "connect", "negotiate", "on", "off", "ping", "external", "external-perl" or a positive number');
    }
  } else if ((m = /^checkcommand\s*=\s*"(.*)"/.exec(rcmd) ?? /^checkcommand\s*=\s*(.*)/.exec(rcmd))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'invalid check command');
    v.checkcommand = m[1]!;
  } else if ((m = /^checktimeout\s*=\s*(.*)/.exec(rcmd))) {
    v.checktimeout = perlNum(digits(diag, line, m[1]!, 'invalid check timeout'));
  } else if (/^connecttimeout\s*=\s*(.*)/.test(rcmd)) {
    diag.error(line, 'connecttimeout directive deprecated in favour of negotiatetimeout');
  } else if ((m = /^negotiatetimeout\s*=\s*(.*)/.exec(rcmd))) {
    v.negotiatetimeout = perlNum(digits(diag, line, m[1]!, 'invalid negotiate timeout'));
  } else if ((m = /^checkcount\s*=\s*(.*)/.exec(rcmd))) {
    v.checkcount = perlNum(digits(diag, line, m[1]!, 'invalid check count'));
    diag.warn(line, "checkcount option is deprecated and slated for removal.  please see 'failurecount'");
  } else if ((m = /^failurecount\s*=\s*(.*)/.exec(rcmd))) {
    v.failurecount = perlNum(digits(diag, line, m[1]!, 'invalid failure count'));
  } else if ((m = /^checkinterval\s*=\s*(.*)/.exec(rcmd))) {
    v.checkinterval = perlNum(digits(diag, line, m[1]!, 'invalid checkinterval'));
  } else if ((m = /^checkport\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\d+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid port');
    const n = perlNum(d[1]!);
    if (!(n > 0 && n < 65536)) diag.error(line, 'checkport must be in range 1..65536');
    v.checkport = d[1]!;
  } else if (applyQuoted(v, rcmd, line, diag)) {
    // login, passwd, database, secret, load
  } else if ((m = /^scheduler\s*=\s*(.*)/.exec(rcmd))) {
    // ldirectord accepts any [a-z]+ so new kernel schedulers work; we warn on unknown ones.
    d = /([a-z]+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid scheduler, should be only lowercase letters (a-z)');
    v.scheduler = d[1]!;
    if (!IPVS_SCHEDULERS.includes(v.scheduler)) {
      diag.warn(line, `scheduler "${v.scheduler}" is not an IPVS scheduler (${IPVS_SCHEDULERS.join(' ')}); ipvsadm may refuse it`);
    }
  } else if ((m = /^persistent\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\d+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid persistent timeout');
    v.persistent = d[1]!;
  } else if ((m = /^schedflags\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\S+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid sched-flags');
    v.schedflags = d[1]!;
    for (const f of v.schedflags.split(',')) {
      if (!IPVS_SCHEDFLAGS.includes(f)) {
        diag.warn(line, `unknown schedflags item "${f}" (known: ${IPVS_SCHEDFLAGS.join(', ')}); ipvsadm may refuse it`);
      }
    }
  } else if ((m = /^netmask\s*=\s*(.*)/.exec(rcmd))) {
    const val = m[1]!;
    if (v.af === 6) {
      if (!/^\d+$/.test(val) || perlNum(val) < 1 || perlNum(val) > 128) {
        diag.error(line, 'invalid netmask: a prefix length between 1 and 128 is required');
      }
    } else if (!/^\d+\.\d+\.\d+\.\d+$/.test(val)) {
      diag.error(line, 'invalid netmask: dotted quad notation is required');
    }
    v.netmask = val;
  } else if ((m = /^protocol\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\w+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid protocol');
    if (v.protocol === 'fwm') {
      if (d[1] !== 'fwm') diag.error(line, 'protocol must be fwm if the virtual service is a fwmark (a number)');
    } else if (d[1] === 'tcp' || d[1] === 'udp') {
      v.protocol = d[1];
    } else {
      diag.error(line, 'protocol must be tcp or udp if the virtual service is an address and port');
    }
  } else if ((m = /^ops\s*=\s*(.*)/.exec(rcmd))) {
    if (!yesNo(m[1]!)) diag.error(line, "ops must be 'yes' or 'no'");
    v.ops = m[1]!;
  } else if ((m = /^service\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\w+)/.exec(m[1]!);
    if (!(d && (SERVICES as readonly string[]).includes(d[1]!))) diag.error(line, SERVICE_LIST_MSG);
    v.service = d[1]!;
    if (v.service === 'ftp' && v.login === '') v.login = 'anonymous';
    else if (v.service === 'sip' && v.login === '') v.login = `ldirectord@${b.hostname}`;
    if (v.service === 'ftp' && v.passwd === '') v.passwd = `ldirectord@${b.hostname}`;
  } else if ((m = /^httpmethod\s*=\s*(.*)/.exec(rcmd))) {
    d = /(\w+)/.exec(m[1]!);
    if (!(d && ['GET', 'HEAD'].includes(d[1]!.toUpperCase()))) diag.error(line, 'httpmethod must be GET or HEAD');
    v.httpmethod = d[1]!.toUpperCase();
  } else if ((m = /^virtualhost\s*=\s*(.*)/.exec(rcmd))) {
    v.virtualhost = /"?([^"]*)"?/.exec(m[1]!)![1]!;
  } else if ((m = /^(fallback(6)?)\s*=\s*(.*)/.exec(rcmd))) {
    if ((v.af === 4 && m[2] !== undefined) || (v.af === 6 && m[2] === undefined)) {
      diag.error(line, `cannot specify "${m[1]!}" here.  please use "fallback${v.af === 4 ? '' : '6'}" instead`);
    }
    b.fallbackLine = line;
    v.fallback = parseFallback(diag, line, m[3]!, v.port);
  } else if ((m = /^fallbackcommand\s*=\s*"(.*)"/.exec(rcmd) ?? /^fallbackcommand\s*=\s*(.*)/.exec(rcmd))) {
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'invalid fallback command');
    v.fallbackcommand = m[1]!;
  } else if ((m = /^quiescent\s*=\s*(.*)/.exec(rcmd))) {
    if (!yesNo(m[1]!)) diag.error(line, "quiescent must be 'yes' or 'no'");
    v.quiescent = m[1]!;
  } else {
    applyVirtualLine2(v, rcmd, linedata, line, diag);
  }
}

// The second half of the chain (split only to keep functions short; order preserved).
function applyVirtualLine2(v: VirtualDraft, rcmd: string, linedata: string, line: number, diag: Diagnostics): void {
  let m: RegExpExecArray | null;
  let d: RegExpExecArray | null;
  if ((m = /^emailalert\s*=\s*(.*)/.exec(rcmd))) {
    v.emailalert = readEmailalert(diag, line, m[1]!);
  } else if ((m = /^emailalertfreq\s*=\s*(\d*)/.exec(rcmd))) {
    d = /(\d+)/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid email alert frequency');
    v.emailalertfreq = d[1]!;
  } else if ((m = /^emailalertstatus\s*=\s*(.*)/.exec(rcmd))) {
    v.emailalertstatus = parseEmailalertstatus(diag, line, m[1]!);
  } else if ((m = /^monitorfile\s*=\s*"(.*)"/.exec(rcmd) ?? /^monitorfile\s*=\s*(.*)/.exec(rcmd))) {
    const err = appendable(m[1]!);
    if (err !== undefined) diag.error(line, `unable to open monitorfile ${m[1]!}: ${strerror(err)}`);
    v.monitorfile = m[1]!;
  } else if ((m = /^cleanstop\s*=\s*(.*)/.exec(rcmd))) {
    if (!yesNo(m[1]!)) diag.error(line, "cleanstop must be 'yes' or 'no'");
    v.cleanstop = m[1]!;
  } else if ((m = /^smtp\s*=\s*(.*)/.exec(rcmd))) {
    d = /(^([0-9A-Za-z._+-]+))/.exec(m[1]!);
    if (!d) diag.error(line, 'invalid SMTP server address');
    v.smtp = d[1]!;
  } else if ((m = /^servicename\s*=\s*(.*)/.exec(rcmd))) {
    v.servicename = m[1]!;
  } else if ((m = /^comment\s*=\s*(.*)/.exec(rcmd))) {
    v.comment = m[1]!;
  } else if ((m = /^tlsverify\s*=\s*(.*)/.exec(rcmd))) {
    // Extension: opt-in TLS chain and name verification.
    if (!yesNo(m[1]!)) diag.error(line, "tlsverify must be 'yes' or 'no'");
    v.tlsverify = m[1]!;
  } else if ((m = /^tlscafile\s*=\s*"(.*)"/.exec(rcmd) ?? /^tlscafile\s*=\s*(.*)/.exec(rcmd))) {
    // Extension: CA bundle for tlsverify; must exist now, as monitorfile must be writable now.
    if (!/(.+)/.test(m[1]!)) diag.error(line, 'invalid tls CA file');
    if (!existsSync(m[1]!)) diag.error(line, `unable to open tlscafile ${m[1]!}: No such file or directory`);
    v.tlscafile = m[1]!;
  } else {
    diag.error(line, `Unknown command "${linedata}"`);
  }
}

// login, passwd, database, secret (quoted, non-empty) and load (quoted, first word).
function applyQuoted(v: VirtualDraft, rcmd: string, line: number, diag: Diagnostics): boolean {
  const m = /^(login|passwd|database|secret|load)\s*=\s*"(.*)"/.exec(rcmd);
  if (!m) return false;
  const key = m[1] as 'login' | 'passwd' | 'database' | 'secret' | 'load';
  const val = m[2]!;
  if (key === 'load') {
    const d = /(\w+)/.exec(val);
    if (!d) diag.error(line, 'invalid string for load testing');
    v.load = d[1]!;
    return true;
  }
  const msg = { login: 'invalid login string', passwd: 'invalid password', database: 'invalid database', secret: 'invalid secret' }[key];
  if (!/(.+)/.test(val)) diag.error(line, msg);
  v[key] = val;
  return true;
}

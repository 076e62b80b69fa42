// Parsers shared by global and virtual lines: emailalert= and emailalertstatus=.

import { DaemonStatus, DAEMON_STATUS_ALL } from './model.js';
import type { Diagnostics } from './draft.js';

/** read_emailalert: strip enclosing quotes; an empty address is an error. */
export function readEmailalert(diag: Diagnostics, line: number, addr: string): string {
  const m = /^"([^"]*)"$/.exec(addr);
  const a = m ? m[1]! : addr;
  if (!/(.+)/.test(a)) diag.error(line, 'no email address specified');
  return a;
}

/** parse_emailalertstatus: comma list of starting|running|stopping|reloading|all|none -> bit mask. */
export function parseEmailalertstatus(diag: Diagnostics, line: number, arg: string): number {
  // Perl split drops trailing empty fields, and an empty string gives no fields at all.
  const items = arg === '' ? [] : arg.split(/\s*,\s*/);
  while (items.length > 0 && items[items.length - 1] === '') items.pop();
  const none = items.filter((i) => i === 'none').length;
  let status = 0;
  for (const i of items) {
    if (i === 'none') continue;
    if (i === 'all') status = DAEMON_STATUS_ALL;
    else if (i === 'starting') status |= DaemonStatus.starting;
    else if (i === 'stopping') status |= DaemonStatus.stopping;
    else if (i === 'running') status |= DaemonStatus.running;
    else if (i === 'reloading') status |= DaemonStatus.reloading;
    else diag.error(line, `invalid email alert status at: "${i}"`);
    if (none > 0) diag.error(line, `invalid email alert status: "${i}" specified with "none"`);
  }
  return status;
}

// imap / imaps: an `* OK` (or PREAUTH) greeting, then LOGIN when login= is set
// (Net::IMAP::Simple as check_imap drives it), on the configured port (compat B.11).
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, runCheck } from './session.js';
import { type LineStream, openStream, tlsOptionsFor } from './stream.js';

/** An IMAP quoted string (RFC 3501): backslash and double quote escaped. */
export function imapQuote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Read until the tagged completion of `tag`; returns its status line. */
async function tagged(stream: LineStream, tag: string): Promise<string> {
  for (let i = 0; i < 1000; i++) {
    const line = await stream.readLine();
    if (line.startsWith(`${tag} `)) return line.slice(tag.length + 1);
  }
  throw new CheckError(CheckCode.L7RSP, 'no tagged response');
}

/** Build the imap (tls=false) or imaps (tls=true) check. */
export function imapCheck(useTls: boolean): CheckFn {
  return ({ virtual, real }, signal) =>
    runCheck(signal, async (s) => {
      const stream = await openStream(s, real.ip, real.checkPort, useTls ? tlsOptionsFor(virtual) : undefined);
      const greeting = await stream.readLine();
      if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) {
        stream.end();
        throw new CheckError(CheckCode.L7STS, `greeting: ${greeting.slice(0, 200)}`);
      }
      if (virtual.login !== '') {
        stream.write(`a1 LOGIN ${imapQuote(virtual.login)} ${imapQuote(virtual.passwd)}\r\n`);
        const status = await tagged(stream, 'a1');
        if (!/^OK\b/i.test(status)) {
          stream.end('a2 LOGOUT\r\n');
          throw new CheckError(CheckCode.L7RSP, `login failed: ${status.slice(0, 200)}`);
        }
      }
      stream.end('a2 LOGOUT\r\n');
      return greeting;
    });
}

/** service=imap */
export const checkImap: CheckFn = imapCheck(false);
/** service=imaps */
export const checkImaps: CheckFn = imapCheck(true);

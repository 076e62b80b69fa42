// smtp / submission: what Net::SMTP->new demands before ldirectord's check_smtp
// calls the real up: a 2xx greeting, then EHLO (HELO when EHLO gets a 5xx) with a
// 2xx answer. QUIT is sent and its answer not awaited, as $smtp->quit's is ignored.
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, runCheck } from './session.js';
import { type LineStream, openStream } from './stream.js';

/** Net::SMTP's default hello domain. */
const HELLO = 'localhost.localdomain';

/** One SMTP reply: the code of its last line and its text. */
export interface SmtpReply {
  readonly code: number;
  readonly text: string;
}

/** Read one (possibly multi-line `250-...`) reply. */
export async function readSmtpReply(stream: LineStream): Promise<SmtpReply> {
  const lines: string[] = [];
  for (;;) {
    const line = await stream.readLine();
    const m = /^(\d{3})([ -]?)(.*)$/.exec(line);
    if (!m) throw new CheckError(CheckCode.L7RSP, `not an SMTP reply: ${JSON.stringify(line.slice(0, 80))}`);
    lines.push(m[3]!);
    if (m[2] !== '-') return { code: Number(m[1]), text: `${m[1]} ${lines.join(' ')}`.trim() };
    if (lines.length > 1000) throw new CheckError(CheckCode.L7RSP, 'SMTP reply too long');
  }
}

/** The smtp/submission check (TCP only, as ldirectord: no implicit TLS for submission). */
export const checkSmtp: CheckFn = ({ real }, signal) =>
  runCheck(signal, async (s) => {
    const stream = await openStream(s, real.ip, real.checkPort);
    const greeting = await readSmtpReply(stream);
    if (greeting.code < 200 || greeting.code > 299) {
      stream.end('QUIT\r\n');
      throw new CheckError(CheckCode.L7STS, `greeting: ${greeting.text}`);
    }
    stream.write(`EHLO ${HELLO}\r\n`);
    let hello = await readSmtpReply(stream);
    if (hello.code >= 500 && hello.code <= 599) {
      stream.write(`HELO ${HELLO}\r\n`);
      hello = await readSmtpReply(stream);
    }
    stream.end('QUIT\r\n');
    if (hello.code < 200 || hello.code > 299) throw new CheckError(CheckCode.L7STS, `hello: ${hello.text}`);
    return greeting.text;
  });

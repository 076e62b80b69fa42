// pop / pops: a +OK greeting, then USER/PASS when login= is set (Mail::POP3Client
// as check_pop drives it). pops is TLS from the first byte, unverified by default.
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, runCheck } from './session.js';
import { type LineStream, openStream, tlsOptionsFor } from './stream.js';

async function expectOk(stream: LineStream, what: string, code: typeof CheckCode.L7STS | typeof CheckCode.L7RSP): Promise<string> {
  const line = await stream.readLine();
  if (!/^\+OK/i.test(line)) {
    stream.end('QUIT\r\n');
    throw new CheckError(code, `${what}: ${line.slice(0, 200)}`);
  }
  return line;
}

/** Build the pop (tls=false) or pops (tls=true) check. */
export function popCheck(useTls: boolean): CheckFn {
  return ({ virtual, real }, signal) =>
    runCheck(signal, async (s) => {
      const stream = await openStream(s, real.ip, real.checkPort, useTls ? tlsOptionsFor(virtual) : undefined);
      const greeting = await expectOk(stream, 'greeting', CheckCode.L7STS);
      if (virtual.login !== '') {
        stream.write(`USER ${virtual.login}\r\n`);
        await expectOk(stream, 'USER', CheckCode.L7RSP);
        stream.write(`PASS ${virtual.passwd}\r\n`);
        await expectOk(stream, 'login failed', CheckCode.L7RSP);
      }
      stream.end('QUIT\r\n');
      return greeting;
    });
}

/** service=pop */
export const checkPop: CheckFn = popCheck(false);
/** service=pops */
export const checkPops: CheckFn = popCheck(true);

// sip: an OPTIONS request built exactly as check_sip builds it, over the virtual's
// protocol (udp: one datagram each way; tcp: a stream read up to the blank line),
// and the status line must start with `SIP/2.0 200 OK`.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, type Session, runCheck } from './session.js';
import { openStream } from './stream.js';
import { openUdp } from './udp.js';

/** check_sip's request, byte for byte (the Via says UDP even over TCP, as ldirectord's). */
export function sipOptions(login: string, localAddr: string, localPort: number): string {
  const via = net.isIPv6(localAddr) ? `[${localAddr}]` : localAddr;
  return (
    `OPTIONS sip:${login} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${via}:${localPort};branch=z9hG4bKhjhs8ass877\r\n` +
    'Max-Forwards: 70\r\n' +
    `To: <sip:${login}>\r\n` +
    `From: <sip:${login}>;tag=1928301774\r\n` +
    `Call-ID: ${randomBytes(8).toString('hex')}\r\n` +
    'CSeq: 63104 OPTIONS\r\n' +
    `Contact: <sip:${login}>\r\n` +
    'Accept: application/sdp\r\n' +
    'Content-Length: 0\r\n\r\n'
  );
}

function judge(status: string): string {
  if (!/^SIP\/2\.0 200 OK/.test(status)) {
    throw new CheckError(status.startsWith('SIP/2.0 ') ? CheckCode.L7STS : CheckCode.L7RSP, `status: ${status.slice(0, 200) || '(empty)'}`);
  }
  return status;
}

async function overUdp(s: Session, ip: string, port: number, login: string): Promise<string> {
  const peer = await openUdp(s, ip, port);
  const msg = await peer.exchange(sipOptions(login, peer.local.address, peer.local.port));
  return judge(msg.toString('latin1').split(/\r?\n/)[0]!);
}

async function overTcp(s: Session, ip: string, port: number, login: string): Promise<string> {
  const stream = await openStream(s, ip, port);
  const local = stream.local();
  stream.write(sipOptions(login, local.address, local.port));
  const status = judge(await stream.readLine());
  // ldirectord reads the headers up to the blank line before calling it up.
  for (let i = 0; i < 200; i++) if ((await stream.readLine()) === '') break;
  stream.end();
  return status;
}

/** service=sip */
export const checkSip: CheckFn = ({ virtual, real }, signal) =>
  runCheck(signal, (s) =>
    virtual.protocol === 'udp'
      ? overUdp(s, real.ip, real.checkPort, virtual.login)
      : overTcp(s, real.ip, real.checkPort, virtual.login),
  );

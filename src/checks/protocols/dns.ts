// dns: check_dns asks the real (as its only nameserver, on the check port) for the
// request (leading '/' removed): an A record, or a PTR when the request is an
// address; over TCP when the virtual is tcp. Up when an A address or PTR name
// matches receive; an empty receive never matches, as in ldirectord.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, type Session, describe, hostPort, receiveRegex, runCheck, transportError } from './session.js';
import { openUdp } from './udp.js';
import { DnsFormatError, type DnsReply, TYPE_A, TYPE_PTR, decodeReply, encodeQuery, questionFor } from './dns-wire.js';

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'];

async function queryUdp(s: Session, ip: string, port: number, query: Buffer, id: number): Promise<Buffer> {
  const peer = await openUdp(s, ip, port);
  return peer.exchange(query, (msg) => msg.length >= 2 && msg.readUInt16BE(0) === id);
}

/** DNS over TCP: a 2-byte length prefix each way (RFC 1035 §4.2.2). */
async function queryTcp(s: Session, ip: string, port: number, query: Buffer): Promise<Buffer> {
  const where = hostPort(ip, port);
  const sock = net.connect({ host: ip, port });
  s.defer(() => sock.destroy());
  await new Promise<void>((resolve, reject) => {
    sock.once('connect', resolve);
    sock.once('error', (err) => reject(transportError(err, 'connect', where)));
  });
  s.phase = 'dialogue';
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(query.length);
  sock.write(Buffer.concat([prefix, query]));
  return new Promise<Buffer>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    sock.removeAllListeners('error');
    sock.on('error', (err) => reject(transportError(err, 'dialogue', where)));
    sock.on('close', () => reject(new CheckError(CheckCode.L7RSP, `connection closed before the answer (${where})`)));
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        resolve(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        sock.end();
      }
    });
  });
}

/** service=dns */
export const checkDns: CheckFn = ({ virtual, real }, signal) =>
  runCheck(signal, async (s) => {
    const request = real.request.replace(/^\//, '');
    const receive = real.receive === '' ? undefined : receiveRegex(real.receive);
    const { name, type } = questionFor(request);
    const id = randomBytes(2).readUInt16BE(0);
    let query: Buffer;
    try {
      query = encodeQuery(id, name, type);
    } catch (err) {
      throw new CheckError(CheckCode.L7RSP, `bad request ${JSON.stringify(request)}: ${describe(err)}`);
    }
    const raw =
      virtual.protocol === 'tcp'
        ? await queryTcp(s, real.ip, real.checkPort, query)
        : await queryUdp(s, real.ip, real.checkPort, query, id);
    let reply: DnsReply;
    try {
      reply = decodeReply(raw);
    } catch (err) {
      if (err instanceof DnsFormatError) throw new CheckError(CheckCode.L7RSP, `malformed DNS reply: ${err.message}`);
      throw err;
    }
    if (reply.rcode !== 0) throw new CheckError(CheckCode.L7STS, `${RCODES[reply.rcode] ?? `rcode ${reply.rcode}`} for ${name}`);
    const found = reply.answers.filter((a) => a.type === TYPE_A || a.type === TYPE_PTR).map((a) => a.data);
    if (found.length === 0) throw new CheckError(CheckCode.L7RSP, `no ${type === TYPE_A ? 'A' : 'PTR'} answer for ${name}`);
    const hit = receive && found.find((d) => receive.test(d));
    if (!hit) throw new CheckError(CheckCode.L7RSP, `Response mismatch: ${found.join(' ')} !~ /${real.receive}/`);
    return `${name} -> ${hit}`;
  });

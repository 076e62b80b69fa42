// radius: check_radius sends one Access-Request (User-Name, User-Password hidden
// with the shared secret as RFC 2865 §5.2, NAS-IP-Address) and Authen::Radius's
// check_pwd is true only for an Access-Accept: a Reject (wrong user, password or
// secret) is down. We also verify the reply's authenticator and id, which
// Authen::Radius does not, and add a Message-Authenticator (RFC 3579) as servers
// hardened against BlastRADIUS require. IPv6 works here (Authen::Radius is IPv4 only).
import { createHash, createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, hostPort, runCheck, transportError } from './session.js';

const ACCESS_REQUEST = 1;
const ACCESS_ACCEPT = 2;
const ACCESS_REJECT = 3;
const ACCESS_CHALLENGE = 11;

function md5(...parts: Buffer[]): Buffer {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return h.digest();
}

/** RFC 2865 §5.2 User-Password hiding: 16-byte blocks chained through MD5(secret + previous). */
export function hidePassword(password: string, secret: string, authenticator: Buffer): Buffer {
  const p = Buffer.from(password, 'utf8');
  const len = Math.min(128, Math.max(16, Math.ceil(p.length / 16) * 16));
  const padded = Buffer.alloc(len);
  p.copy(padded, 0, 0, len);
  const out = Buffer.alloc(len);
  let prev = authenticator;
  for (let i = 0; i < len; i += 16) {
    const b = md5(Buffer.from(secret, 'utf8'), prev);
    for (let j = 0; j < 16; j++) out[i + j] = padded[i + j]! ^ b[j]!;
    prev = out.subarray(i, i + 16);
  }
  return out;
}

function attr(type: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, value.length + 2]), value.subarray(0, 253)]);
}

/** Build an Access-Request; returns the packet and its request authenticator. */
export function accessRequest(id: number, user: string, password: string, secret: string, nas: string): { packet: Buffer; authenticator: Buffer } {
  const authenticator = randomBytes(16);
  const nasAttr = net.isIPv6(nas)
    ? attr(95, Buffer.from(ipv6Bytes(nas)))
    : attr(4, Buffer.from(nas.split('.').map(Number)));
  const attrs = Buffer.concat([
    attr(1, Buffer.from(user, 'utf8')),
    attr(2, hidePassword(password, secret, authenticator)),
    nasAttr,
    attr(80, Buffer.alloc(16)),
  ]);
  const packet = Buffer.concat([Buffer.alloc(4), authenticator, attrs]);
  packet.writeUInt8(ACCESS_REQUEST, 0);
  packet.writeUInt8(id, 1);
  packet.writeUInt16BE(packet.length, 2);
  const mac = createHmac('md5', secret).update(packet).digest();
  mac.copy(packet, packet.length - 16);
  return { packet, authenticator };
}

function ipv6Bytes(addr: string): number[] {
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

/** service=radius */
export const checkRadius: CheckFn = ({ virtual, real }, signal) =>
  runCheck(signal, async (s) => {
    const where = hostPort(real.ip, real.checkPort);
    const sock = dgram.createSocket(net.isIPv6(real.ip) ? 'udp6' : 'udp4');
    s.defer(() => sock.close());
    await new Promise<void>((resolve, reject) => {
      sock.once('error', (err) => reject(transportError(err, 'connect', where)));
      sock.connect(real.checkPort, real.ip, () => resolve());
    });
    s.phase = 'dialogue';
    const id = randomBytes(1)[0]!;
    const { packet, authenticator } = accessRequest(id, virtual.login, virtual.passwd, virtual.secret, sock.address().address);
    const reply = await new Promise<Buffer>((resolve, reject) => {
      sock.removeAllListeners('error');
      sock.on('error', (err) => reject(transportError(err, 'connect', where)));
      sock.on('message', (msg) => {
        if (msg.length >= 20 && msg[1] === id) resolve(msg);
      });
      sock.send(packet);
    });
    const code = reply[0]!;
    const length = reply.readUInt16BE(2);
    if (length < 20 || length > reply.length) throw new CheckError(CheckCode.L7RSP, `malformed reply (${reply.length} bytes)`);
    const expected = md5(reply.subarray(0, 4), authenticator, reply.subarray(20, length), Buffer.from(virtual.secret, 'utf8'));
    if (!expected.equals(reply.subarray(4, 20))) {
      throw new CheckError(CheckCode.L7RSP, 'reply authenticator mismatch (wrong secret?)');
    }
    if (code === ACCESS_ACCEPT) return 'Access-Accept';
    if (code === ACCESS_REJECT) throw new CheckError(CheckCode.L7RSP, 'Access-Reject');
    if (code === ACCESS_CHALLENGE) throw new CheckError(CheckCode.L7RSP, 'Access-Challenge');
    throw new CheckError(CheckCode.L7RSP, `unexpected RADIUS code ${code}`);
  });

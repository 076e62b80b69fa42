// A UDP request/answer inside a check session (dns, sip over udp): the socket is
// connected, so an ICMP port-unreachable from a stopped server becomes
// ECONNREFUSED at once instead of a silent wait for the deadline.
import dgram from 'node:dgram';
import net, { type AddressInfo } from 'node:net';
import { type Session, hostPort, transportError } from './session.js';

/** A connected UDP socket, closed with the session. */
export interface UdpPeer {
  /** Our address and port (SIP puts them in its Via header). */
  readonly local: AddressInfo;
  /** Send `payload`; resolve with the first datagram `accept` takes (default: any). */
  exchange(payload: Buffer | string, accept?: (msg: Buffer) => boolean): Promise<Buffer>;
}

/** Open a UDP socket connected to ip:port; the session is in its dialogue phase afterwards. */
export async function openUdp(s: Session, ip: string, port: number): Promise<UdpPeer> {
  const where = hostPort(ip, port);
  const sock = dgram.createSocket(net.isIPv6(ip) ? 'udp6' : 'udp4');
  s.defer(() => sock.close());
  await new Promise<void>((resolve, reject) => {
    sock.once('error', (err) => reject(transportError(err, 'connect', where)));
    sock.connect(port, ip, () => resolve());
  });
  s.phase = 'dialogue';
  return {
    local: sock.address(),
    exchange: (payload, accept = () => true) =>
      new Promise<Buffer>((resolve, reject) => {
        sock.removeAllListeners('error');
        sock.on('error', (err) => reject(transportError(err, 'connect', where)));
        sock.on('message', (msg) => {
          if (accept(msg)) resolve(msg);
        });
        sock.send(payload);
      }),
  };
}

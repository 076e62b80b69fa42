// Just enough of the DNS wire format (RFC 1035) for check_dns: one question,
// A and PTR answers with name compression. Hand-written because Node's Resolver
// cannot query over TCP (protocol=tcp virtuals) and cannot be torn down mid-query.
import net from 'node:net';

/** Query types check_dns uses. */
export const TYPE_A = 1;
export const TYPE_PTR = 12;

/** One decoded answer record (only A and PTR carry data here). */
export interface DnsAnswer {
  readonly type: number;
  /** Dotted address for A, target name for PTR, '' otherwise. */
  readonly data: string;
}

/** A decoded reply. */
export interface DnsReply {
  readonly id: number;
  readonly rcode: number;
  readonly truncated: boolean;
  readonly answers: DnsAnswer[];
}

/** Error for a reply we cannot parse. */
export class DnsFormatError extends Error {
  readonly code = 'EDNSFORMAT';
}

/** What Net::DNS's search() asks for: a PTR for an address (reverse name), else an A. */
export function questionFor(request: string): { name: string; type: number } {
  if (net.isIPv4(request)) return { name: `${request.split('.').reverse().join('.')}.in-addr.arpa`, type: TYPE_PTR };
  if (net.isIPv6(request)) {
    const [head, tail] = request.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const nibbles = groups.map((g) => g.padStart(4, '0')).join('');
    return { name: `${[...nibbles].reverse().join('.')}.ip6.arpa`, type: TYPE_PTR };
  }
  return { name: request, type: TYPE_A };
}

/** Encode a query with recursion desired. */
export function encodeQuery(id: number, name: string, type: number): Buffer {
  const labels = name.replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  const qname = Buffer.concat([
    ...labels.map((l) => {
      const b = Buffer.from(l, 'latin1');
      if (b.length > 63) throw new DnsFormatError(`label too long: ${l}`);
      return Buffer.concat([Buffer.from([b.length]), b]);
    }),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // RD
  header.writeUInt16BE(1, 4);
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([header, qname, tail]);
}

function readName(msg: Buffer, start: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = start;
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    if (pos >= msg.length) throw new DnsFormatError('name runs past the message');
    const len = msg[pos]!;
    if (len === 0) return { name: labels.join('.'), next: next < 0 ? pos + 1 : next };
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) throw new DnsFormatError('bad pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | msg[pos + 1]!;
      continue;
    }
    labels.push(msg.toString('latin1', pos + 1, pos + 1 + len));
    pos += len + 1;
  }
  throw new DnsFormatError('name compression loop');
}

/** Decode a reply; throws DnsFormatError on anything malformed. */
export function decodeReply(msg: Buffer): DnsReply {
  if (msg.length < 12) throw new DnsFormatError('reply shorter than a header');
  const flags = msg.readUInt16BE(2);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let pos = 12;
  for (let i = 0; i < qd; i++) pos = readName(msg, pos).next + 4;
  const answers: DnsAnswer[] = [];
  for (let i = 0; i < an; i++) {
    pos = readName(msg, pos).next;
    if (pos + 10 > msg.length) throw new DnsFormatError('truncated record');
    const type = msg.readUInt16BE(pos);
    const rdlen = msg.readUInt16BE(pos + 8);
    const rdata = pos + 10;
    if (rdata + rdlen > msg.length) throw new DnsFormatError('truncated rdata');
    let data = '';
    if (type === TYPE_A && rdlen === 4) data = [...msg.subarray(rdata, rdata + 4)].join('.');
    else if (type === TYPE_PTR) data = readName(msg, rdata).name;
    answers.push({ type, data });
    pos = rdata + rdlen;
  }
  return { id: msg.readUInt16BE(0), rcode: flags & 0xf, truncated: (flags & 0x0200) !== 0, answers };
}

// IP address literals the way glibc reads and prints them (inet_aton,
// inet_pton, inet_ntop), plus integer arithmetic for real-server ranges.
// Pure functions, no I/O: address literals never reach the resolver.

/** Parse an IPv4 literal with inet_aton's rules (`127.1`, `0x7f.1`, `0177.0.0.1`); undefined if invalid. */
export function parseIPv4(text: string): number | undefined {
  if (text === '' || text.length > 64) return undefined;
  const quick = parseIPv4Strict(text);
  if (quick !== undefined && !/(^|\.)0\d/.test(text)) return quick;
  const parts = text.split('.');
  if (parts.length > 4) return undefined;
  const nums: number[] = [];
  for (const p of parts) {
    const n = parseAtonPart(p);
    if (n === undefined) return undefined;
    nums.push(n);
  }
  // The last part fills all remaining bytes (a.b.c -> c is 16 bits, a.b -> b is 24 bits).
  const last = nums[nums.length - 1]!;
  const lead = nums.slice(0, -1);
  if (lead.some((n) => n > 255)) return undefined;
  const restBytes = 4 - lead.length;
  if (last >= 2 ** (8 * restBytes)) return undefined;
  let value = 0;
  for (const n of lead) value = value * 256 + n;
  return value * 2 ** (8 * restBytes) + last;
}

// One inet_aton component: decimal, 0x hex or leading-0 octal.
function parseAtonPart(p: string): number | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^0[xX]([0-9a-fA-F]*)$/.exec(p))) return m[1] === '' ? 0 : parseInt(m[1]!, 16);
  if (/^0[0-7]*$/.test(p)) return parseInt(p, 8);
  if (/^[1-9][0-9]*$/.test(p)) return parseInt(p, 10);
  return undefined;
}

/** Strict dotted quad (inet_pton AF_INET): four decimal octets, no leading zeros beyond one digit. */
export function parseIPv4Strict(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const a = +m[1]!, b = +m[2]!, c = +m[3]!, d = +m[4]!;
  if (a > 255 || b > 255 || c > 255 || d > 255) return undefined;
  return ((a * 256 + b) * 256 + c) * 256 + d;
}

/** Format a 32-bit integer as a dotted quad. */
export function formatIPv4(n: number): string {
  return `${Math.floor(n / 16777216) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** Parse an IPv6 literal with inet_pton's rules (embedded IPv4 tail allowed); 8 16-bit words or undefined. */
export function parseIPv6(text: string): number[] | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const dbl = text.indexOf('::');
  if (dbl !== -1 && text.indexOf('::', dbl + 1) !== -1) return undefined;
  const headText = dbl === -1 ? text : text.slice(0, dbl);
  const tailText = dbl === -1 ? '' : text.slice(dbl + 2);
  const head = parseGroups(headText);
  const tail = parseGroups(tailText);
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (dbl === -1) return total === 8 ? head : undefined;
  if (total > 7) return undefined;
  return [...head, ...new Array<number>(8 - total).fill(0), ...tail];
}

// Colon-separated hex groups, the last one possibly a dotted quad (two words).
function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups = text.split(':');
  const out: number[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i]!;
    if (i === groups.length - 1 && g.includes('.')) {
      const v4 = parseIPv4Strict(g);
      if (v4 === undefined) return undefined;
      out.push(Math.floor(v4 / 65536), v4 & 0xffff);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
  }
  return out;
}

/** Format 8 words as glibc inet_ntop does: lowercase, longest zero run (>= 2) as `::`, v4-mapped tails dotted. */
export function formatIPv6(words: readonly number[]): string {
  let bestBase = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) { bestBase = i; bestLen = j - i; }
    i = j;
  }
  if (bestLen < 2) bestBase = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLen) {
      if (i === bestBase) out += ':';
      continue;
    }
    if (i !== 0) out += ':';
    // glibc prints ::a.b.c.d and ::ffff:a.b.c.d with a dotted tail.
    if (i === 6 && bestBase === 0 && (bestLen === 6 || (bestLen === 5 && words[5] === 0xffff))) {
      out += formatIPv4(words[6]! * 65536 + words[7]!);
      break;
    }
    out += words[i]!.toString(16);
  }
  if (bestBase !== -1 && bestBase + bestLen === 8) out += ':';
  return out;
}

/** 8 IPv6 words -> 128-bit integer, for range arithmetic. */
export function ipv6ToBigInt(words: readonly number[]): bigint {
  let v = 0n;
  for (const w of words) v = (v << 16n) | BigInt(w);
  return v;
}

/** 128-bit integer -> 8 IPv6 words. */
export function bigIntToIPv6(v: bigint): number[] {
  const out = new Array<number>(8);
  for (let i = 7; i >= 0; i--) {
    out[i] = Number(v & 0xffffn);
    v >>= 16n;
  }
  return out;
}

/** Canonical text of an IP literal of the given family, as getaddrinfo+getnameinfo(NI_NUMERICHOST) yield; undefined if not a literal of that family. */
export function canonicalLiteral(text: string, family: 4 | 6): string | undefined {
  if (family === 4) {
    const n = parseIPv4(text);
    return n === undefined ? undefined : formatIPv4(n);
  }
  const w = parseIPv6(text);
  return w === undefined ? undefined : formatIPv6(w);
}

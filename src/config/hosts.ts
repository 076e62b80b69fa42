// ldirectord's ld_gethostbyname: getaddrinfo(name, family) then the numeric
// form of the first answer, IPv6 in brackets. IP literals are parsed here and
// never reach the resolver; names are looked up once per (name, family).

import { promises as dns } from 'node:dns';
import { canonicalLiteral, parseIPv4, parseIPv6 } from '../util/ip.js';

/** Resolves a host name for one family; undefined when it cannot. */
export type LookupFn = (name: string, family: 4 | 6) => Promise<string | undefined>;

/** Default lookup: the system resolver (getaddrinfo), first answer. */
export const systemLookup: LookupFn = async (name, family) => {
  try {
    const r = await dns.lookup(name, { family });
    // Node hands back IP literals of the other family unchanged; getaddrinfo would refuse them.
    return r.family === family ? r.address : undefined;
  } catch {
    return undefined;
  }
};

/** Host name -> ldirectord server string (`127.0.0.1`, `[::1]`), with a per-instance cache. */
export class HostResolver {
  readonly #lookup: LookupFn;
  readonly #cache = new Map<string, Promise<string | undefined>>();

  constructor(lookup: LookupFn = systemLookup) {
    this.#lookup = lookup;
  }

  /** Synchronous answer for literals (and the empty name); null when DNS is needed. */
  literal(rawName: string, family: 4 | 6): string | undefined | null {
    const name = stripBrackets(rawName);
    // getaddrinfo(NULL...) (Socket6 passes "" as NULL) answers the loopback address.
    if (name === '') return family === 4 ? '127.0.0.1' : '[::1]';
    const lit = canonicalLiteral(name, family);
    if (lit !== undefined) return family === 6 ? `[${lit}]` : lit;
    // A literal of the other family: getaddrinfo says "Address family for hostname not supported".
    if (family === 4 ? parseIPv6(name) : parseIPv4(name)) return undefined;
    if (/^[0-9.]*$/.test(name) || name.includes(':') || /\s/.test(name)) return undefined;
    return null;
  }

  /** ldirectord's ld_gethostbyname(name, af). */
  resolve(rawName: string, family: 4 | 6): string | undefined | Promise<string | undefined> {
    const lit = this.literal(rawName, family);
    if (lit !== null) return lit;
    const name = stripBrackets(rawName);
    const key = `${family}/${name}`;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.#lookup(name, family).then((addr) => {
        if (addr === undefined) return undefined;
        const lit2 = canonicalLiteral(addr, family);
        if (lit2 === undefined) return undefined;
        return family === 6 ? `[${lit2}]` : lit2;
      });
      this.#cache.set(key, p);
    }
    return p;
  }
}

// ld_gethostbyname: `if ($name =~ /\[(.*)\]/) { $name = $1 }` (unanchored, greedy).
function stripBrackets(name: string): string {
  const m = /\[(.*)\]/.exec(name);
  return m ? m[1]! : name;
}

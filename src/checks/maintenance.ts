// maintenancedir (ldirectord's _check_real_for_maintenance): a file named after
// the real forces it down. Names tried in order: ip:port, ip, fqdn:port, fqdn,
// short:port, short (IPv6 as ldirectord writes it: [::1]:80, [::1]). The
// reverse lookup is cached (ldirectord does one per real per cycle).
import { stat } from 'node:fs/promises';
import { lookupService } from 'node:dns/promises';
import { isIP, isIPv6 } from 'node:net';
import { join } from 'node:path';
import type { RealServer } from '../config/model.js';

/** Reverse lookup: the host name of an address, or undefined when it has none. */
export type ReverseLookup = (ip: string) => Promise<string | undefined>;

/** Options of MaintenanceDir. */
export interface MaintenanceOptions {
  /** How long a found name is kept. Default 5 minutes. */
  readonly ttlMs?: number;
  /** How long "no name" (or a failed lookup) is kept. Default 1 minute. */
  readonly negativeTtlMs?: number;
  /** Reverse resolver. Default: getnameinfo with NI_NAMEREQD semantics, as ldirectord (honours /etc/hosts). */
  readonly reverse?: ReverseLookup;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/** getnameinfo(3) as ldirectord's ld_gethostbyaddr: a numeric answer means "no name". */
export const systemReverse: ReverseLookup = async (ip) => {
  const { hostname } = await lookupService(ip, 0);
  return hostname && isIP(hostname) === 0 ? hostname : undefined;
};

/** ldirectord's short name: the first label, only when it looks like a host name. */
export function shortName(fqdn: string): string | undefined {
  return /^([a-z][a-z0-9-]+)\./.exec(fqdn)?.[1];
}

/** The file names _check_real_for_maintenance tries, in order. */
export function maintenanceNames(real: Pick<RealServer, 'ip' | 'port'>, fqdn: string | undefined): string[] {
  const server = isIPv6(real.ip) ? `[${real.ip}]` : real.ip;
  const names = [`${server}:${real.port}`, server];
  if (fqdn) {
    names.push(`${fqdn}:${real.port}`, fqdn);
    const short = shortName(fqdn);
    if (short) names.push(`${short}:${real.port}`, short);
  }
  return names;
}

/** A maintenance directory with a reverse-DNS cache. */
export class MaintenanceDir {
  readonly dir: string;
  readonly #ttl: number;
  readonly #negTtl: number;
  readonly #reverse: ReverseLookup;
  readonly #now: () => number;
  /** ip -> pending or settled lookup, with its expiry; concurrent checks share one lookup. */
  readonly #cache = new Map<string, { name: Promise<string | undefined>; expires: number }>();

  constructor(dir: string, opts: MaintenanceOptions = {}) {
    this.dir = dir;
    this.#ttl = opts.ttlMs ?? 5 * 60_000;
    this.#negTtl = opts.negativeTtlMs ?? 60_000;
    this.#reverse = opts.reverse ?? systemReverse;
    this.#now = opts.now ?? Date.now;
  }

  /** The name of the file forcing this real down, or undefined. Never throws. */
  async check(real: Pick<RealServer, 'ip' | 'port'>): Promise<string | undefined> {
    try {
      // Address forms first: no lookup needed when they match.
      for (const name of maintenanceNames(real, undefined)) if (await this.#exists(name)) return name;
      const fqdn = await this.#lookup(real.ip);
      if (!fqdn) return undefined;
      for (const name of maintenanceNames(real, fqdn).slice(2)) if (await this.#exists(name)) return name;
      return undefined;
    } catch {
      return undefined;
    }
  }

  /** Forget cached names (e.g. on reload). */
  clearCache(): void {
    this.#cache.clear();
  }

  async #exists(name: string): Promise<boolean> {
    // A name with a '/' would reach outside the directory: ldirectord would look there, we do not.
    if (name.includes('/')) return false;
    try {
      await stat(join(this.dir, name));
      return true;
    } catch {
      return false;
    }
  }

  #lookup(ip: string): Promise<string | undefined> {
    const now = this.#now();
    const hit = this.#cache.get(ip);
    if (hit && hit.expires > now) return hit.name;
    const entry = { name: Promise.resolve<string | undefined>(undefined), expires: now + this.#ttl };
    entry.name = this.#reverse(ip).then(
      (name) => {
        if (!name) entry.expires = this.#now() + this.#negTtl;
        return name;
      },
      () => {
        entry.expires = this.#now() + this.#negTtl;
        return undefined;
      },
    );
    this.#cache.set(ip, entry);
    return entry.name;
  }
}

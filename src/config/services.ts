// getservbyname(3) over /etc/services, as ldirectord's ld_getservbyname uses it.
// The file is read once per path and kept (a config with 37,000 reals looks
// up the same few names over and over).

import { readFileSync } from 'node:fs';

/** Name (or alias) + protocol -> port, in /etc/services order. */
export interface ServicesTable {
  /** Port of `name` for `proto`; proto '' matches any protocol (first entry in file order). */
  lookup(name: string, proto: string): number | undefined;
}

const cache = new Map<string, ServicesTable>();

/** Parse /etc/services text: `name port/proto [aliases...] [# comment]`. */
export function parseServices(text: string): ServicesTable {
  const byKey = new Map<string, number>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    const m = /^(\d+)\/(\S+)$/.exec(fields[1] ?? '');
    if (!m) continue;
    const port = Number(m[1]);
    const proto = m[2]!;
    for (const name of [fields[0]!, ...fields.slice(2)]) {
      // First entry wins, as the C library scans the file top to bottom.
      if (!byKey.has(`${name}/${proto}`)) byKey.set(`${name}/${proto}`, port);
      if (!byKey.has(`${name}/`)) byKey.set(`${name}/`, port);
    }
  }
  return { lookup: (name, proto) => byKey.get(`${name}/${proto}`) };
}

/** The services table of `path` (default /etc/services), cached; empty if unreadable. */
export function servicesTable(path = '/etc/services'): ServicesTable {
  let t = cache.get(path);
  if (!t) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // No services file: only numeric ports resolve, as with an empty /etc/services.
    }
    t = parseServices(text);
    cache.set(path, t);
  }
  return t;
}

/**
 * ldirectord's ld_getservbyname: a decimal string 0..65535 is returned as is
 * (the text, leading zeros kept, since ldirectord prints it unchanged);
 * otherwise the service name's port for `proto`, as a string.
 */
export function ldGetservbyname(name: string, proto: string, table: ServicesTable): string | undefined {
  if (/^[0-9]+$/.test(name)) return Number(name) < 65536 ? name : undefined;
  const port = table.lookup(name, proto);
  return port === undefined ? undefined : String(port);
}

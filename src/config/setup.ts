// ld_setup and fallback_find folded into the immutable model: timeouts with
// their mutual fallback, per-real URL / check port / request / receive,
// check ids, and every per-virtual setting resolved against the globals.

import type { CheckType, Config, ConfigWarning, Fallback, GlobalConfig, RealServer, Service, VirtualService } from './model.js';
import type { FallbackDraft, GlobalDraft, RealDraft, VirtualDraft } from './draft.js';
import { getVirtual, realIdStr, serviceToPort, virtualIdStr } from './ids.js';
import { perlNum } from './perl.js';

const bare = (server: string): string => server.replace(/^\[(.*)\]$/, '$1');

function toFallback(f: FallbackDraft, port?: string): Fallback {
  return { ip: bare(f.server), port: perlNum(port ?? f.port ?? '0'), forward: f.forward, weight: 1 };
}

/** ld_checkport: checkport, else the real's port when > 0, else the service's well-known port (text, '' if none). */
function checkPortText(v: VirtualDraft, r: RealDraft): string {
  if (v.checkport !== undefined) return v.checkport;
  if (perlNum(r.port) > 0) return r.port;
  const p = serviceToPort(v.service ?? '');
  return p === undefined ? '' : String(p);
}

/** ld_setup's URL for a real (used by http, https and http_proxy checks). */
function realUrl(v: VirtualDraft, r: RealDraft, port: string): string {
  const schema = v.service === 'http_proxy' ? 'http' : (v.service ?? '');
  if (r.request !== undefined && r.receive !== undefined) {
    const uri = r.request.replace(/^\//, '');
    // `$request =~ /$schema:\/\//`: a per-real absolute URL is used as is.
    if (r.request.includes(`${schema}://`)) return uri;
    return `${schema}://${r.server}:${port}/${uri}`;
  }
  const uri = v.request.replace(/^\//, '');
  if (v.service === 'http_proxy') return uri;
  return `${schema}://${r.server}:${port}/${uri}`;
}

function buildReal(v: VirtualDraft, r: RealDraft): RealServer {
  const port = checkPortText(v, r);
  return {
    line: r.line,
    ip: bare(r.server),
    port: perlNum(r.port),
    addr: `${r.server}:${r.port}`,
    forward: r.forward,
    weight: perlNum(r.weight),
    request: r.request ?? v.request,
    receive: r.receive ?? v.receive,
    lThreshold: perlNum(r.lThreshold ?? '0'),
    uThreshold: perlNum(r.uThreshold ?? '0'),
    checkPort: perlNum(port),
    url: realUrl(v, r, port),
    checkId: realIdStr(r, v),
  };
}

// ld_setup: checktimeout and negotiatetimeout default to each other, in different orders.
function timeouts(v: VirtualDraft, g: GlobalDraft): { checktimeout: number; negotiatetimeout: number } {
  const first = (...xs: number[]): number => xs.find((x) => !(x < 0)) ?? -1;
  return {
    checktimeout: first(v.checktimeout, v.negotiatetimeout, g.checktimeout, g.negotiatetimeout, 5),
    negotiatetimeout: first(v.negotiatetimeout, v.checktimeout, g.negotiatetimeout, g.checktimeout, 30),
  };
}

// fallback_find: the virtual's own, else the global one of its family and protocol,
// taking the virtual's port when the global one has none.
function effectiveFallback(v: VirtualDraft, g: GlobalDraft): Fallback | undefined {
  if (v.fallback) return toFallback(v.fallback);
  const gf = v.af === 6 ? g.fallback6 : g.fallback;
  if (!gf) return undefined;
  // ldirectord has no fwm entry (it builds a fallback without a server); we use the tcp one on port 0.
  const f = v.protocol === 'udp' ? gf.udp : gf.tcp;
  return f.port !== undefined ? toFallback(f) : toFallback(f, v.port);
}

function buildVirtual(v: VirtualDraft, g: GlobalDraft): VirtualService {
  return {
    line: v.line,
    af: v.af,
    protocol: v.protocol as VirtualService['protocol'],
    ...(v.fwm !== undefined ? { fwm: perlNum(v.fwm) } : { ip: bare(v.server!) }),
    port: perlNum(v.port),
    addr: getVirtual(v),
    id: virtualIdStr(v),
    scheduler: v.scheduler,
    ...(v.persistent !== undefined && { persistent: perlNum(v.persistent) }),
    ...(v.netmask !== undefined && { netmask: v.netmask }),
    ...(v.schedflags !== undefined && { schedflags: v.schedflags }),
    ops: v.ops === 'yes',
    checktype: v.checktype as CheckType,
    numConnects: perlNum(v.numConnects),
    service: (v.service ?? 'none') as Service,
    checkcommand: v.checkcommand,
    request: v.request,
    receive: v.receive,
    login: v.login,
    passwd: v.passwd,
    database: v.database,
    secret: v.secret,
    ...(v.load !== undefined && { load: v.load }),
    httpmethod: v.httpmethod as 'GET' | 'HEAD',
    ...(v.virtualhost !== undefined && { virtualhost: v.virtualhost }),
    ...(v.checkport !== undefined && { checkport: perlNum(v.checkport) }),
    ...timeouts(v, g),
    checkcount: v.checkcount < 0 ? g.checkcount : v.checkcount,
    failurecount: v.failurecount < 0 ? g.failurecount : v.failurecount,
    checkinterval: v.checkinterval ?? g.checkinterval,
    ...optional('fallback', effectiveFallback(v, g)),
    ...optional('fallbackcommand', v.fallbackcommand ?? g.fallbackcommand),
    quiescent: (v.quiescent ?? g.quiescent) === 'yes',
    cleanstop: (v.cleanstop ?? g.cleanstop) === 'yes',
    emailalert: v.emailalert ?? g.emailalert,
    emailalertfreq: perlNum(v.emailalertfreq ?? g.emailalertfreq),
    emailalertstatus: v.emailalertstatus ?? g.emailalertstatus,
    ...optional('smtp', v.smtp ?? g.smtp),
    ...optional('monitorfile', v.monitorfile),
    ...optional('servicename', v.servicename),
    ...optional('comment', v.comment),
    tlsVerify: v.tlsverify === 'yes',
    ...optional('tlsCaFile', v.tlscafile),
    reals: v.reals.map((r) => buildReal(v, r)),
  };
}

// Spread helper: the key only when the value is defined (exactOptionalPropertyTypes-friendly).
function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}

function buildGlobal(g: GlobalDraft): GlobalConfig {
  const fb = (x?: { tcp: FallbackDraft; udp: FallbackDraft }) =>
    x && { tcp: toFallback(x.tcp), udp: toFallback(x.udp), portGiven: x.tcp.port !== undefined };
  return {
    ...(g.checktimeout >= 0 && { checktimeout: g.checktimeout }),
    ...(g.negotiatetimeout >= 0 && { negotiatetimeout: g.negotiatetimeout }),
    checkinterval: g.checkinterval,
    checkcount: g.checkcount,
    failurecount: g.failurecount,
    ...optional('fallback', fb(g.fallback)),
    ...optional('fallback6', fb(g.fallback6)),
    ...optional('fallbackcommand', g.fallbackcommand),
    autoreload: g.autoreload === 'yes',
    ...optional('callback', g.callback),
    logfile: g.logfile,
    execute: [...g.execute],
    fork: g.fork === 'yes',
    supervised: g.supervised === 'yes',
    quiescent: g.quiescent === 'yes',
    readdquiescent: g.readdquiescent === 'yes',
    emailalert: g.emailalert,
    emailalertfreq: perlNum(g.emailalertfreq),
    emailalertstatus: g.emailalertstatus,
    ...optional('emailalertfrom', g.emailalertfrom),
    cleanstop: g.cleanstop === 'yes',
    ...optional('smtp', g.smtp),
    ...optional('maintenancedir', g.maintenancedir),
    reconcileinterval: g.reconcileinterval,
    ...optional('metrics', g.metrics),
    shadow: g.shadow === 'yes',
  };
}

// Freeze the model. Walks the known shape rather than every value: with tens of
// thousands of reals a generic recursive freeze is a large share of the parse time.
function freezeConfig(c: Config): Config {
  for (const v of c.virtuals) {
    for (const r of v.reals) Object.freeze(r);
    Object.freeze(v.reals);
    if (v.fallback) Object.freeze(v.fallback);
    Object.freeze(v);
  }
  const g = c.global;
  for (const f of [g.fallback, g.fallback6]) if (f) Object.freeze(Object.freeze(f.tcp) && Object.freeze(f.udp) && f);
  Object.freeze(g.execute);
  Object.freeze(g);
  for (const w of c.warnings) Object.freeze(w);
  Object.freeze(c.warnings);
  Object.freeze(c.virtuals);
  return Object.freeze(c);
}

/** ld_setup: read_config's drafts -> the immutable Config. */
export function buildConfig(
  file: string, name: string, g: GlobalDraft, virtuals: readonly VirtualDraft[], warnings: readonly ConfigWarning[],
): Config {
  return freezeConfig({
    file, name,
    global: buildGlobal(g),
    virtuals: virtuals.map((v) => buildVirtual(v, g)),
    warnings: [...warnings],
  });
}

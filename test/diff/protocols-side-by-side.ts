// Side by side: for each protocol and state, the real ldirectord's check sub
// (protocols-harness.pl, under a hang wrapper) against our CheckFn, on the same
// real Debian server. Prints `protocol state ldirectord ours`. Run through
// protocols-side-by-side.sh (it compiles this file first); needs root and the
// packages in test/helpers/apt-packages.txt.
import { protocolChecks } from '../../src/checks/protocols/index.js';
import type { Service } from '../../src/config/model.js';
import type { Daemon } from '../helpers/daemons/daemon.js';
import * as srv from '../helpers/daemons/servers.js';
import { makeTarget, runWithDeadline } from '../helpers/target.js';
import { ldirectordVerdict } from './harness.js';

const TIMEOUT = 3;
/** Seconds before a hung ldirectord check is called a hang (its own timeouts are TIMEOUT). */
const HANG = 12;

interface Case {
  service: Service;
  ip: string;
  port: number;
  protocol?: 'tcp' | 'udp';
  login?: string;
  passwd?: string;
  database?: string;
  secret?: string;
  request?: string;
  receive?: string;
}

function ldirectord(c: Case): Promise<string> {
  return ldirectordVerdict({ ...c, server: c.ip, timeout: TIMEOUT }, HANG);
}

async function ours(c: Case): Promise<string> {
  const t = makeTarget({
    ip: c.ip, port: c.port,
    virtual: { service: c.service, protocol: c.protocol ?? 'tcp', login: c.login ?? '', passwd: c.passwd ?? '', database: c.database ?? '', secret: c.secret ?? '', negotiatetimeout: TIMEOUT, checktimeout: TIMEOUT },
    real: { request: c.request ?? '/', receive: c.receive ?? '' },
  });
  const r = await runWithDeadline((signal) => protocolChecks[c.service]!(t, signal), TIMEOUT * 1000);
  return `${r.ok ? 'up' : 'down'}(${(r.durationMs / 1000).toFixed(1)}s ${r.code})`;
}

const rows: string[][] = [];
async function row(state: string, c: Case): Promise<void> {
  const line = [c.service + (c.protocol === 'udp' ? '/udp' : ''), state, await ldirectord(c), await ours(c)];
  rows.push(line);
  console.log(line.map((x, i) => x.padEnd([14, 10, 24, 24][i]!)).join(' '));
}

/** Run up / wrong / paused / stopped for one server. */
async function states(d: Daemon, good: Case[], wrong: Case[]): Promise<void> {
  for (const c of good) await row('up', c);
  for (const c of wrong) await row('wrong', c);
  d.pause();
  try {
    for (const c of good) await row('sigstop', c);
  } finally {
    d.resume();
  }
  await d.stop();
  for (const c of good) await row('stopped', c);
  await d.cleanup();
}

async function main(): Promise<void> {
  const only = process.argv[2]?.split(',');
  const want = (name: string) => !only || only.includes(name);
  console.log(['protocol', 'state', 'ldirectord', 'ours'].map((x, i) => x.padEnd([14, 10, 24, 24][i]!)).join(' '));
  const { USER, PASS, RADIUS_SECRET, ADDR } = srv;
  if (want('ftp')) {
    const c: Case = { service: 'ftp', ...ADDR.ftp, request: '/index.html', receive: 'Test Page' };
    await states(await srv.startVsftpd(), [c], [{ ...c, receive: 'Not There' }, { ...c, login: 'nosuchuser', passwd: 'x' }]);
  }
  if (want('smtp')) {
    const ftp = await srv.startVsftpd(ADDR.ftpAlt.ip, ADDR.ftpAlt.port);
    const c: Case = { service: 'smtp', ...ADDR.smtp };
    await states(await srv.startOpensmtpd(), [c], [{ ...c, ...ADDR.ftpAlt }]);
    await ftp.cleanup();
  }
  if (want('mail')) {
    const a = ADDR.dovecot;
    const mk = (service: Service, port: number): Case => ({ service, ip: a.ip, port, login: USER, passwd: PASS });
    const good = [mk('pop', a.pop), mk('pops', a.pops), mk('imap', a.imap), mk('imaps', a.imaps)];
    await states(await srv.startDovecot(), good, good.map((c) => ({ ...c, passwd: 'wrong' })));
  }
  if (want('ldap')) {
    const c: Case = { service: 'ldap', ip: ADDR.ldap.ip, port: ADDR.ldap.port, request: '/dc=example,dc=test', receive: 'dc=example' };
    const s: Case = { ...c, service: 'ldaps', port: ADDR.ldap.tlsPort };
    await states(await srv.startSlapd(), [c, s], [{ ...c, login: 'cn=admin,dc=example,dc=test', passwd: 'wrong' }, { ...c, receive: 'ou=elsewhere' }]);
  }
  if (want('nntp')) {
    const d = await srv.startInnd();
    const c: Case = { service: 'nntp', ...ADDR.nntp };
    await row('up', c);
    await d.ctlinnd('throttle', 'side-by-side');
    await row('wrong', c);
    await d.ctlinnd('go', 'side-by-side');
    await states(d, [c], []);
  }
  if (want('dns')) {
    const c: Case = { service: 'dns', ...ADDR.dns, protocol: 'udp', request: '/www.example.test', receive: '127.0.0.2' };
    const t: Case = { ...c, protocol: 'tcp' };
    await states(await srv.startDnsmasq(), [c, t, { ...c, request: '/127.0.0.2', receive: 'www' }], [{ ...c, receive: '^10\\.' }, { ...c, receive: '' }]);
  }
  if (want('sip')) {
    const c: Case = { service: 'sip', ...ADDR.sip, protocol: 'udp', login: 'ldtest@example.test' };
    const t: Case = { ...c, protocol: 'tcp' };
    await states(await srv.startKamailio(), [c, t], [{ ...c, login: 'down@example.test' }, { ...t, login: 'down@example.test' }]);
  }
  if (want('radius')) {
    const c: Case = { service: 'radius', ...ADDR.radius, protocol: 'udp', login: USER, passwd: PASS, secret: RADIUS_SECRET };
    await states(await srv.startFreeradius(), [c], [{ ...c, passwd: 'wrong' }, { ...c, secret: 'wrong' }]);
  }
  if (want('mysql')) {
    const c: Case = { service: 'mysql', ...ADDR.mysql, login: USER, passwd: PASS, database: 'ld', request: '/SELECT * FROM up' };
    await states(await srv.startMariadb(), [c], [{ ...c, passwd: 'wrong' }, { ...c, request: '/SELECT * FROM empty' }]);
  }
  if (want('pgsql')) {
    const c: Case = { service: 'pgsql', ...ADDR.pgsql, login: USER, passwd: PASS, database: 'ld', request: '/SELECT * FROM up' };
    await states(await srv.startPostgres(), [c], [{ ...c, passwd: 'wrong' }, { ...c, request: '/SELECT * FROM empty' }]);
  }
  if (want('oracle')) {
    await row('nodriver', { service: 'oracle', ip: '127.0.1.13', port: 11521, login: USER, passwd: PASS, request: '/SELECT 1 FROM dual' });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);

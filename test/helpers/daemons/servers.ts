// One starter per real Debian server used by the protocol tests. Addresses are
// 127.0.1.x (one per server, away from the other engineers' 127.0.0.x) plus ::1
// where the server can listen on both; ports are non-standard. Recipes follow
// /work/shared/reference/toolchain.md §2.
import { chownSync, mkdirSync, writeFileSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import dgram from 'node:dgram';
import { accessRequest } from '../../../src/checks/protocols/radius.js';
import { type Daemon, requireBinary, run, scratchDir, selfSignedCert, spawnDaemon, tcpProbe, waitUntil } from './daemon.js';

/** Loopback addresses and ports of every test server. */
export const ADDR = {
  ftp: { ip: '127.0.1.3', port: 12121 },
  ftpAlt: { ip: '127.0.1.14', port: 12121 },
  smtp: { ip: '127.0.1.4', port: 12525 },
  dovecot: { ip: '127.0.1.5', pop: 11110, imap: 11143, pops: 11995, imaps: 11993 },
  ldap: { ip: '127.0.1.6', port: 13389, tlsPort: 13636 },
  nntp: { ip: '127.0.1.7', port: 11119 },
  dns: { ip: '127.0.1.8', port: 15353 },
  mysql: { ip: '127.0.1.9', port: 13307 },
  pgsql: { ip: '127.0.1.10', port: 15433 },
  radius: { ip: '127.0.1.11', port: 18812 },
  sip: { ip: '127.0.1.12', port: 15070 },
  http: { ip: '127.0.1.15', port: 18080, tlsPort: 18443 },
} as const;

/** Credentials every server is set up with. */
export const USER = 'ldtest';
export const PASS = 'secret';
export const RADIUS_SECRET = 'testing123';

/** vsftpd, anonymous only, serving index.html = "Test Page". */
export async function startVsftpd(ip: string = ADDR.ftp.ip, port: number = ADDR.ftp.port): Promise<Daemon> {
  requireBinary('/usr/sbin/vsftpd', 'vsftpd');
  const D = scratchDir('vsftpd');
  mkdirSync(join(D, 'root'), { mode: 0o755 });
  mkdirSync(join(D, 'empty'), { mode: 0o755 });
  writeFileSync(join(D, 'root', 'index.html'), 'Test Page\n', { mode: 0o644 });
  writeFileSync(join(D, 'vsftpd.conf'), [
    'listen=YES', 'listen_ipv6=NO', `listen_address=${ip}`, `listen_port=${port}`, 'background=NO',
    'anonymous_enable=YES', `anon_root=${D}/root`, 'no_anon_password=YES', 'local_enable=NO', 'write_enable=NO',
    `secure_chroot_dir=${D}/empty`, 'pasv_enable=YES', 'pasv_min_port=30000', 'pasv_max_port=30100',
    'xferlog_enable=NO', 'seccomp_sandbox=NO', `vsftpd_log_file=${D}/vsftpd.log`, '',
  ].join('\n'), { mode: 0o644 });
  const d = spawnDaemon('vsftpd', D, '/usr/sbin/vsftpd', [join(D, 'vsftpd.conf')]);
  await waitUntil(d, () => tcpProbe(ip, port, /^220/));
  return d;
}

/** opensmtpd on 127.0.1.4 and ::1 (one per machine: global spool). */
export async function startOpensmtpd(): Promise<Daemon> {
  requireBinary('/usr/sbin/smtpd', 'opensmtpd');
  const D = scratchDir('smtpd');
  mkdirSync(join(D, 'box'), { mode: 0o777 });
  const { ip, port } = ADDR.smtp;
  writeFileSync(join(D, 'smtpd.conf'), [
    `listen on ${ip} port ${port}`, `listen on ::1 port ${port}`,
    `action "sink" mda "/usr/bin/tee -a ${D}/box/received.txt" user nobody`, 'match from any for any action "sink"', '',
  ].join('\n'), { mode: 0o644 });
  const d = spawnDaemon('opensmtpd', D, '/usr/sbin/smtpd', ['-d', '-f', join(D, 'smtpd.conf')]);
  await waitUntil(d, () => tcpProbe(ip, port, /^220/));
  return d;
}

/** dovecot: pop3/imap plain and TLS (self-signed), user ldtest/secret, on 127.0.1.5 and ::1. */
export async function startDovecot(): Promise<Daemon> {
  requireBinary('/usr/sbin/dovecot', 'dovecot-imapd dovecot-pop3d');
  const D = scratchDir('dovecot');
  const { cert, key } = await selfSignedCert(D);
  mkdirSync(join(D, 'run'));
  mkdirSync(join(D, 'mail'), { mode: 0o777 });
  writeFileSync(join(D, 'passwd'), `${USER}:{PLAIN}${PASS}\n`);
  const a = ADDR.dovecot;
  const listener = (name: string, port: number, ssl: boolean) =>
    `  inet_listener ${name} {\n    address = ${a.ip}, ::1\n    port = ${port}\n${ssl ? '    ssl = yes\n' : ''}  }\n`;
  writeFileSync(join(D, 'dovecot.conf'), `protocols = imap pop3
listen = ${a.ip}, ::1
base_dir = ${D}/run
state_dir = ${D}/run
log_path = /dev/stderr
ssl = yes
ssl_cert = <${cert}
ssl_key = <${key}
auth_mechanisms = plain login
disable_plaintext_auth = no
auth_failure_delay = 0
mail_location = maildir:${D}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${D}/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${D}/mail/%u
}
service imap-login {
${listener('imap', a.imap, false)}${listener('imaps', a.imaps, true)}}
service pop3-login {
${listener('pop3', a.pop, false)}${listener('pop3s', a.pops, true)}}
`);
  const d = spawnDaemon('dovecot', D, '/usr/sbin/dovecot', ['-F', '-c', join(D, 'dovecot.conf')]);
  await waitUntil(d, async () => (await tcpProbe(a.ip, a.pop, /^\+OK/)) && (await tcpProbe(a.ip, a.imaps)));
  return d;
}

/** slapd with base dc=example,dc=test, rootdn cn=admin,dc=example,dc=test / secret, ldap + ldaps. */
export async function startSlapd(): Promise<Daemon> {
  requireBinary('/usr/sbin/slapd', 'slapd ldap-utils');
  const D = scratchDir('slapd');
  const { cert, key } = await selfSignedCert(D);
  mkdirSync(join(D, 'db'));
  writeFileSync(join(D, 'slapd.conf'), `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
pidfile ${D}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
TLSCertificateFile ${cert}
TLSCertificateKeyFile ${key}
database mdb
maxsize 10485760
suffix "dc=example,dc=test"
rootdn "cn=admin,dc=example,dc=test"
rootpw ${PASS}
directory ${D}/db
`);
  writeFileSync(join(D, 'base.ldif'), 'dn: dc=example,dc=test\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n');
  await run('/usr/sbin/slapadd', ['-f', join(D, 'slapd.conf'), '-l', join(D, 'base.ldif')]);
  const { ip, port, tlsPort } = ADDR.ldap;
  const urls = `ldap://${ip}:${port}/ ldap://[::1]:${port}/ ldaps://${ip}:${tlsPort}/`;
  const d = spawnDaemon('slapd', D, '/usr/sbin/slapd', ['-d', '0', '-f', join(D, 'slapd.conf'), '-h', urls]);
  await waitUntil(d, async () => (await tcpProbe(ip, port)) && (await tcpProbe(ip, tlsPort)));
  return d;
}

/** innd (one per machine: global spool); stop with ctlinnd, which is what innd obeys quickly. */
export async function startInnd(): Promise<Daemon & { ctlinnd(...args: string[]): Promise<string> }> {
  requireBinary('/usr/lib/news/bin/innd', 'inn2');
  const D = scratchDir('innd');
  const { ip, port } = ADDR.nntp;
  const conf = readFileSync('/etc/news/inn.conf', 'utf8')
    .replace(/^port:.*$/m, `port:                        ${port}`)
    .replace(/^#?\s*bindaddress:.*$/m, `bindaddress:                 ${ip}`)
    .replace(/^#?\s*bindaddress6:.*$/m, 'bindaddress6:                "::1"');
  writeFileSync(join(D, 'inn.conf'), conf, { mode: 0o644 });
  mkdirSync('/run/news', { recursive: true });
  chownSync('/run/news', uidOf('news'), gidOf('news'));
  const env = { ...process.env, INNCONF: join(D, 'inn.conf') };
  const ctl = (...args: string[]) =>
    run('/usr/bin/setpriv', ['--reuid=news', '--regid=news', '--init-groups', '/usr/lib/news/bin/ctlinnd', '-t', '5', ...args], { env });
  const d = spawnDaemon('innd', D, '/usr/bin/setpriv', ['--reuid=news', '--regid=news', '--init-groups', '/usr/lib/news/bin/innd', '-f'], 'SIGTERM', env);
  await waitUntil(d, () => tcpProbe(ip, port, /^20[01]/));
  const stop = d.stop.bind(d);
  d.stop = async () => {
    if (d.child.exitCode === null && d.child.signalCode === null) {
      d.resume();
      await ctl('shutdown', 'done').catch(() => undefined);
    }
    await stop();
  };
  return Object.assign(d, { ctlinnd: ctl });
}

function uidOf(name: string): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return Number(line?.split(':')[2]);
}
function gidOf(name: string): number {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  return Number(line?.split(':')[3]);
}

/** dnsmasq: www.example.test -> 127.0.0.2 and a PTR for it, UDP and TCP, on 127.0.1.8 and ::1. */
export async function startDnsmasq(): Promise<Daemon> {
  requireBinary('/usr/sbin/dnsmasq', 'dnsmasq-base');
  const D = scratchDir('dnsmasq');
  const { ip, port } = ADDR.dns;
  const d = spawnDaemon('dnsmasq', D, '/usr/sbin/dnsmasq', ['-k', '--conf-file=/dev/null', `--listen-address=${ip}`, '--listen-address=::1',
    '--bind-interfaces', `--port=${port}`, '--no-resolv', '--no-hosts', '--user=root', `--pid-file=${D}/dnsmasq.pid`,
    '--address=/www.example.test/127.0.0.2', '--ptr-record=2.0.0.127.in-addr.arpa,www.example.test', '--log-facility=-']);
  await waitUntil(d, () => tcpProbe(ip, port));
  return d;
}

/** MariaDB with database ld, table up (1 row), table empty (0 rows), user ldtest/secret. */
export async function startMariadb(): Promise<Daemon> {
  requireBinary('/usr/sbin/mariadbd', 'mariadb-server');
  const D = scratchDir('mariadb');
  const { ip, port } = ADDR.mysql;
  await run('/usr/bin/mariadb-install-db', ['--no-defaults', `--datadir=${D}/data`, '--user=root',
    '--auth-root-authentication-method=normal', '--skip-test-db']);
  const d = spawnDaemon('mariadbd', D, '/usr/sbin/mariadbd', ['--no-defaults', `--datadir=${D}/data`, '--user=root',
    `--bind-address=${ip},::1`, `--port=${port}`, `--socket=${D}/mysqld.sock`, `--pid-file=${D}/mysqld.pid`,
    '--skip-log-bin', '--innodb-buffer-pool-size=32M', '--skip-name-resolve']);
  await waitUntil(d, () => tcpProbe(ip, port));
  await run('/usr/bin/mariadb', ['--no-defaults', `--socket=${D}/mysqld.sock`, '-uroot'], {
    input: `CREATE DATABASE ld; CREATE TABLE ld.up (id INT); INSERT INTO ld.up VALUES (1); CREATE TABLE ld.empty (id INT);
      CREATE USER '${USER}'@'%' IDENTIFIED BY '${PASS}'; GRANT SELECT ON ld.* TO '${USER}'@'%'; FLUSH PRIVILEGES;`,
  });
  return d;
}

/** PostgreSQL 15 with scram auth over TCP, database ld with tables up (1 row) / empty. */
export async function startPostgres(): Promise<Daemon> {
  const bin = '/usr/lib/postgresql/15/bin';
  requireBinary(`${bin}/postgres`, 'postgresql');
  const D = scratchDir('pg');
  chownSync(D, uidOf('postgres'), gidOf('postgres'));
  const { ip, port } = ADDR.pgsql;
  const asPg = (cmd: string, args: string[], input?: string) =>
    run('/usr/bin/setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', cmd, ...args], { cwd: D, input });
  await asPg(`${bin}/initdb`, ['-D', `${D}/data`, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-instructions']);
  const d = spawnDaemon('postgres', D, '/usr/bin/setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', `${bin}/postgres`,
    '-D', `${D}/data`, '-k', D, '-h', `${ip},::1`, '-p', String(port), '-c', 'fsync=off'], 'SIGINT');
  await waitUntil(d, () => tcpProbe(ip, port));
  const psql = (db: string, sql: string) => asPg('/usr/bin/psql', ['-h', D, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-q'], sql);
  // The unix socket can come up a moment after TCP.
  await waitUntil(d, () => psql('postgres', 'SELECT 1;').then(() => true));
  await psql('postgres', `CREATE DATABASE ld; CREATE USER ${USER} PASSWORD '${PASS}';`);
  await psql('ld', `CREATE TABLE up (id int); INSERT INTO up VALUES (1); CREATE TABLE empty (id int); GRANT SELECT ON up, empty TO ${USER};`);
  return d;
}

/** FreeRADIUS: user ldtest/secret, clients 127.0.0.0/8 and ::1 with RADIUS_SECRET. */
export async function startFreeradius(): Promise<Daemon> {
  requireBinary('/usr/sbin/freeradius', 'freeradius');
  const D = scratchDir('radius');
  const raddb = join(D, 'raddb');
  await run('/bin/cp', ['-a', '/etc/freeradius/3.0', raddb]);
  const authorize = join(raddb, 'mods-config/files/authorize');
  writeFileSync(authorize, `${USER} Cleartext-Password := "${PASS}"\n` + readFileSync(authorize, 'utf8'));
  for (const f of ['sites-enabled/default', 'sites-enabled/inner-tunnel', 'mods-enabled/eap']) rmSync(join(raddb, f), { force: true });
  writeFileSync(join(raddb, 'clients.conf'), `client lo4 {\n ipaddr = 127.0.0.0/8\n secret = ${RADIUS_SECRET}\n}\nclient lo6 {\n ipv6addr = ::1\n secret = ${RADIUS_SECRET}\n}\n`);
  const { ip, port } = ADDR.radius;
  writeFileSync(join(raddb, 'sites-enabled/ldtest'), `server ldtest {
  listen {
    type = auth
    ipaddr = ${ip}
    port = ${port}
  }
  listen {
    type = auth
    ipv6addr = ::1
    port = ${port}
  }
  authorize {
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
  }
}
`);
  appendFileSync(join(raddb, 'radiusd.conf'), '');
  mkdirSync('/var/run/freeradius', { recursive: true });
  chownSync('/var/run/freeradius', uidOf('freerad'), gidOf('freerad'));
  await run('/bin/chown', ['-R', 'freerad:freerad', raddb]);
  const d = spawnDaemon('freeradius', D, '/usr/sbin/freeradius', ['-f', '-l', 'stdout', '-d', raddb]);
  await waitUntil(d, () => udpProbe(ip, port));
  return d;
}

/** True once something answers (anything) a datagram on ip:port. */
function udpProbe(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.close();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), 1500); // rejects come after reject_delay (1 s)
    s.on('error', () => done(false));
    s.on('message', () => done(true));
    // A well-formed Access-Request for nobody (malformed ones are dropped silently): any reply will do.
    s.connect(port, ip, () => s.send(accessRequest(7, 'probe', 'probe', RADIUS_SECRET, '127.0.0.1').packet));
  });
}

/** Kamailio answering OPTIONS with 200 OK (404 for sip:down@...) over UDP and TCP, on 127.0.1.12 and ::1. */
export async function startKamailio(): Promise<Daemon> {
  requireBinary('/usr/sbin/kamailio', 'kamailio');
  const D = scratchDir('kamailio');
  const { ip, port } = ADDR.sip;
  writeFileSync(join(D, 'kamailio.cfg'), `#!KAMAILIO
debug=2
log_stderror=yes
children=1
tcp_children=1
listen=udp:${ip}:${port}
listen=tcp:${ip}:${port}
listen=udp:[::1]:${port}
listen=tcp:[::1]:${port}
loadpath "/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "sl.so"
request_route {
  if (method == "OPTIONS" && uri =~ "^sip:down@") { sl_send_reply("404", "Not Found"); exit; }
  if (method == "OPTIONS") { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("501", "Not Implemented");
}
`);
  mkdirSync(join(D, 'run'));
  const d = spawnDaemon('kamailio', D, '/usr/sbin/kamailio', ['-DD', '-E', '-f', join(D, 'kamailio.cfg'), '-P', join(D, 'kamailio.pid'), '-Y', join(D, 'run')]);
  await waitUntil(d, () => tcpProbe(ip, port));
  return d;
}

/** nginx on 127.0.1.15 and ::1: HTTP and HTTPS (self-signed, CN localhost) serving `Test Page`. */
export async function startNginx(): Promise<Daemon & { cert: string }> {
  requireBinary('/usr/sbin/nginx', 'nginx');
  const D = scratchDir('nginx');
  const { ip, port, tlsPort } = ADDR.http;
  mkdirSync(join(D, 'www'), { mode: 0o755 });
  mkdirSync(join(D, 'tmp'), { mode: 0o755 });
  writeFileSync(join(D, 'www', 'index.html'), 'Test Page\n', { mode: 0o644 });
  const { cert, key } = await selfSignedCert(D);
  const listen = (a: string) => `listen ${a}:${port}; listen ${a}:${tlsPort} ssl;`;
  writeFileSync(join(D, 'nginx.conf'), [
    `daemon off; master_process off; worker_processes 1; pid ${D}/nginx.pid; error_log stderr notice;`,
    'events { worker_connections 64; }',
    `http { access_log off; client_body_temp_path ${D}/tmp/body; proxy_temp_path ${D}/tmp/proxy;`,
    `  fastcgi_temp_path ${D}/tmp/fcgi; uwsgi_temp_path ${D}/tmp/uwsgi; scgi_temp_path ${D}/tmp/scgi;`,
    `  server { ${listen(ip)} ${listen('[::1]')} ssl_certificate ${cert}; ssl_certificate_key ${key}; root ${D}/www; } }`,
    '',
  ].join('\n'), { mode: 0o644 });
  const d = spawnDaemon('nginx', D, '/usr/sbin/nginx', ['-p', D, '-c', join(D, 'nginx.conf')], 'SIGQUIT');
  await waitUntil(d, () => tcpProbe(ip, port));
  return Object.assign(d, { cert });
}

// mysql against a real MariaDB, pgsql against a real PostgreSQL 15; oracle (no server can run
// here) through the oracledb thin driver against refused, silent and garbage listeners.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { checkMysql, checkOracle, checkPgsql } from '../../../src/checks/protocols/sql.js';
import type { CheckFn } from '../../../src/checks/types.js';
import { makeTarget } from '../../helpers/target.js';
import { closedPort, startHostileServer, type TestServer } from '../../helpers/servers.js';
import type { Daemon } from '../../helpers/daemons/daemon.js';
import { ADDR, PASS, USER, startMariadb, startPostgres } from '../../helpers/daemons/servers.js';
import { expectDown, expectDownWhenPaused, expectUp } from '../../helpers/daemons/states.js';

type Opts = { login?: string; passwd?: string; request?: string; ip?: string };
const make = (service: 'mysql' | 'pgsql' | 'oracle', addr: { ip: string; port: number }) => (o: Opts = {}) =>
  makeTarget({
    ip: o.ip ?? addr.ip,
    port: addr.port,
    virtual: { service, login: o.login ?? USER, passwd: o.passwd ?? PASS, database: 'ld' },
    real: { request: o.request ?? '/SELECT * FROM up' },
  });

const engines: Array<[string, CheckFn, () => Promise<Daemon>, ReturnType<typeof make>]> = [
  ['mysql (mariadb)', checkMysql, startMariadb, make('mysql', ADDR.mysql)],
  ['pgsql (postgresql)', checkPgsql, startPostgres, make('pgsql', ADDR.pgsql)],
];

describe.each(engines)('%s', (_name, fn, start, target) => {
  let d: Daemon;
  beforeAll(async () => {
    d = await start();
  }, 60000);
  afterAll(async () => d?.cleanup());

  test('up: login and a query returning a row', async () => {
    await expectUp(fn, target());
  });
  test('up over IPv6', async () => {
    await expectUp(fn, target({ ip: '::1' }));
  });
  test('down: query returns no rows', async () => {
    await expectDown(fn, target({ request: '/SELECT * FROM empty' }), ['L7RSP']);
  });
  test('down: bad SQL', async () => {
    await expectDown(fn, target({ request: '/SELEKT 1' }), ['L7RSP']);
  });
  test('down: wrong password', async () => {
    const r = await expectDown(fn, target({ passwd: 'wrong' }), ['L7RSP']);
    expect(r.message).toMatch(/^Failed to bind/);
  });
  test('down: no login or no request, with ldirectord\'s message', async () => {
    const r = await expectDown(fn, target({ login: '' }), ['L7RSP']);
    expect(r.message).toMatch(/Must specify a login and request string/);
    await expectDown(fn, target({ request: '/' }), ['L7RSP']);
  });
  test('down at the deadline: server SIGSTOPped', async () => {
    await expectDownWhenPaused(fn, target(), () => d.pause(), () => d.resume());
  });
  test('down: server stopped', async () => {
    await d.stop();
    await expectDown(fn, target(), ['L4CON']);
  });
});

describe('oracle (thin driver, failure paths)', () => {
  const ora = (port: number) => make('oracle', { ip: '127.0.1.13', port })();
  const servers: TestServer[] = [];
  afterAll(async () => Promise.all(servers.map((x) => x.close())));

  test('refused: down with L4CON', async () => {
    const r = await expectDown(checkOracle, ora(await closedPort('127.0.1.13')), ['L4CON']);
    expect(r.message).toMatch(/127\.0\.1\.13/);
  });
  test('a listener that never answers: down at the deadline, no hang', async () => {
    const srv = await startHostileServer('never-answer', { host: '127.0.1.13' });
    servers.push(srv);
    await expectDown(checkOracle, ora(srv.port), ['L4TOUT', 'L7TOUT'], 1500);
    expect(srv.connections()).toBeGreaterThan(0);
  });
  test('garbage instead of TNS: down', async () => {
    const srv = await startHostileServer('garbage', { host: '127.0.1.13' });
    servers.push(srv);
    const r = await expectDown(checkOracle, ora(srv.port), ['L4CON', 'L7RSP', 'L4TOUT', 'L7TOUT'], 3000);
    expect(r.code).not.toBe('NODRIVER');
  });
});

// mysql / pgsql / oracle: check_sql logs in (login, passwd, database) and runs the
// request (leading '/' removed) as SQL; up when it returns at least one row. Both
// login and request are required, else the check fails as ldirectord logs it.
// The drivers' own timeouts stop at connect, so an abort destroys their sockets:
// a SIGSTOPped server no longer hangs the check (compat B.10).
import type { CheckTarget, CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, type Session, describe, hostPort, runCheck, transportError } from './session.js';

/** What a SQL check needs after validation. */
interface SqlParams {
  readonly query: string;
  readonly where: string;
}

/** check_sql's precondition, with ldirectord's wording. */
export function sqlParams({ virtual, real }: CheckTarget): SqlParams {
  const query = real.request.replace(/^\//, '');
  if (virtual.login === '' || query === '') {
    throw new CheckError(
      CheckCode.L7RSP,
      `Error: Must specify a login and request string for MySQL, Oracle and PostgreSQL checks. Not adding ${real.ip}.`,
    );
  }
  return { query, where: hostPort(real.ip, real.checkPort) };
}

/** Classify a driver error by errno (network) or phase (login vs query). */
function sqlFailure(err: unknown, s: Session, where: string, what: string): CheckError {
  const e = err as (NodeJS.ErrnoException & { cause?: { code?: string } }) | undefined;
  // oracledb wraps the socket error in its own (NJS-503/515) and only keeps its text.
  const code = [e?.code, e?.cause?.code].find((c) => c && /^E[A-Z]+$/.test(c))
    ?? /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH)\b/.exec(e?.message ?? '')?.[1];
  if (s.phase === 'connect' && code) return transportError(err, 'connect', where);
  return new CheckError(CheckCode.L7RSP, `${what}: ${describe(err)}`);
}

/** service=mysql (mysql2; MariaDB too). */
export const checkMysql: CheckFn = (target, signal) =>
  runCheck(signal, async (s) => {
    const { query, where } = sqlParams(target);
    const { virtual, real } = target;
    const mysql = (await import('mysql2')).default;
    // The core (callback) connection exists at once, so an abort can destroy its
    // socket even mid-handshake; the promise wrapper only appears after it.
    const core = mysql.createConnection({
      host: real.ip,
      port: real.checkPort,
      user: virtual.login,
      password: virtual.passwd,
      database: virtual.database || undefined,
      connectTimeout: Math.max(1000, virtual.negotiatetimeout * 1000),
    });
    core.on('error', () => undefined);
    s.defer(() => core.destroy());
    const stream = (core as unknown as { stream?: NodeJS.EventEmitter }).stream;
    stream?.once('connect', () => {
      s.phase = 'dialogue';
    });
    try {
      await new Promise<void>((resolve, reject) => core.connect((err) => (err ? reject(err) : resolve())));
    } catch (err) {
      throw sqlFailure(err, s, where, 'Failed to bind');
    }
    const conn = core.promise();
    s.phase = 'dialogue';
    let rows: unknown;
    try {
      [rows] = await conn.query(query);
    } catch (err) {
      throw new CheckError(CheckCode.L7RSP, `Error executing statement: ${describe(err)}`);
    }
    conn.end().catch(() => undefined);
    const n = Array.isArray(rows) ? rows.length : 0;
    if (n < 1) throw new CheckError(CheckCode.L7RSP, `Error executing statement: no rows from ${JSON.stringify(query)}`);
    return `${n} row(s)`;
  });

/** service=pgsql (pg). */
export const checkPgsql: CheckFn = (target, signal) =>
  runCheck(signal, async (s) => {
    const { query, where } = sqlParams(target);
    const { virtual, real } = target;
    const pg = (await import('pg')).default;
    const client = new pg.Client({
      host: real.ip,
      port: real.checkPort,
      user: virtual.login,
      password: virtual.passwd,
      database: virtual.database || undefined,
      connectionTimeoutMillis: Math.max(1000, virtual.negotiatetimeout * 1000),
    });
    client.on('error', () => undefined);
    // pg's end() waits for the server; destroying the stream is what frees a hung check.
    s.defer(() => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy());
    const stream = (client as unknown as { connection?: { stream?: NodeJS.EventEmitter } }).connection?.stream;
    stream?.once('connect', () => {
      s.phase = 'dialogue';
    });
    try {
      await client.connect();
    } catch (err) {
      throw sqlFailure(err, s, where, 'Failed to bind');
    }
    s.phase = 'dialogue';
    let n: number;
    try {
      n = (await client.query(query)).rowCount ?? 0;
    } catch (err) {
      throw new CheckError(CheckCode.L7RSP, `Error executing statement: ${describe(err)}`);
    }
    client.end().catch(() => undefined);
    if (n < 1) throw new CheckError(CheckCode.L7RSP, `Error executing statement: no rows from ${JSON.stringify(query)}`);
    return `${n} row(s)`;
  });

/** Error for a driver that is not installed. */
export class NoDriverError extends Error {
  readonly code = 'NODRIVER';
}

/**
 * service=oracle through the `oracledb` thin driver (pure JS, no Instant Client):
 * connect string `IP:PORT/database` (database= is the service name), then the
 * request query. Loaded only when an oracle check runs; should it be missing, the
 * check fails with NODRIVER instead of taking the daemon down as stock ldirectord
 * does without DBD::Oracle (compat B.10).
 */
export const checkOracle: CheckFn = (target, signal) =>
  runCheck(signal, async (s) => {
    const { query } = sqlParams(target);
    const { virtual, real } = target;
    const specifier = 'oracledb';
    let oracledb: {
      getConnection(o: object): Promise<{ execute(q: string): Promise<{ rows?: unknown[] }>; close(): Promise<void>; break?(): Promise<void> }>;
    };
    try {
      const mod = (await import(specifier)) as { default?: typeof oracledb } & typeof oracledb;
      oracledb = mod.default ?? mod;
    } catch (err) {
      throw new CheckError(CheckCode.NODRIVER, `oracle check needs the 'oracledb' npm package, which is not installed (${describe(new NoDriverError(describe(err)))})`);
    }
    const conn = await oracledb
      .getConnection({
        user: virtual.login,
        password: virtual.passwd,
        connectString: `${hostPort(real.ip, real.checkPort)}/${virtual.database}`,
      })
      .catch((err: unknown) => {
        throw sqlFailure(err, s, hostPort(real.ip, real.checkPort), 'Failed to bind');
      });
    s.defer(() => void conn.close().catch(() => undefined));
    s.phase = 'dialogue';
    const res = await conn.execute(query).catch((err: unknown) => {
      throw new CheckError(CheckCode.L7RSP, `Error executing statement: ${describe(err)}`);
    });
    const n = res.rows?.length ?? 0;
    if (n < 1) throw new CheckError(CheckCode.L7RSP, `Error executing statement: no rows from ${JSON.stringify(query)}`);
    return `${n} row(s)`;
  });

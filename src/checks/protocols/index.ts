// Negotiate checks for every service beyond http/https/http_proxy and simpletcp,
// keyed by ldirectord's service= names.
import type { Service } from '../../config/model.js';
import type { CheckFn } from '../types.js';
import { checkDns } from './dns.js';
import { checkFtp } from './ftp.js';
import { checkImap, checkImaps } from './imap.js';
import { checkLdap, checkLdaps } from './ldap.js';
import { checkNntp } from './nntp.js';
import { checkPop, checkPops } from './pop.js';
import { checkRadius } from './radius.js';
import { checkSip } from './sip.js';
import { checkSmtp } from './smtp.js';
import { checkMysql, checkOracle, checkPgsql } from './sql.js';

/** service name -> negotiate check. */
export const protocolChecks: Partial<Record<Service, CheckFn>> = {
  ftp: checkFtp,
  smtp: checkSmtp,
  submission: checkSmtp,
  pop: checkPop,
  pops: checkPops,
  imap: checkImap,
  imaps: checkImaps,
  ldap: checkLdap,
  ldaps: checkLdaps,
  nntp: checkNntp,
  dns: checkDns,
  sip: checkSip,
  radius: checkRadius,
  mysql: checkMysql,
  pgsql: checkPgsql,
  oracle: checkOracle,
};

export { CheckError, runCheck } from './session.js';

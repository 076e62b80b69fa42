// checktype/service -> check function. The scheduler asks here what to run for
// a virtual; nothing else in the daemon names individual checks.
import type { Service } from '../config/model.js';
import type { CheckFn } from './types.js';
import { CheckCode, down } from './result.js';
import { connectCheck } from './connect.js';
import { httpCheck } from './http.js';
import { simpletcpCheck } from './simpletcp.js';
import { noneCheck } from './none.js';
import { pingCheck } from './ping.js';
import { externalCheck, externalPerlCheck } from './external.js';
import { protocolChecks } from './protocols/index.js';

export { connectCheck, pingCheck, externalCheck, externalPerlCheck, noneCheck };

/** The negotiate services implemented in this folder; the rest come from protocols/. */
const coreNegotiate: Partial<Record<Service, CheckFn>> = {
  http: httpCheck,
  https: httpCheck,
  http_proxy: httpCheck,
  simpletcp: simpletcpCheck,
  none: noneCheck,
};

/** A check that always fails with NODRIVER: a service we cannot check (B.10: the real is down, the daemon lives). */
export function noDriverCheck(service: string): CheckFn {
  return async () => down(CheckCode.NODRIVER, `no check implementation for service=${service}`, Date.now());
}

/** The negotiate check for service= (checktype=negotiate, and the negotiate step of checktype=N). */
export function negotiateCheck(service: Service): CheckFn {
  return coreNegotiate[service] ?? protocolChecks[service] ?? noDriverCheck(service);
}

// checktype/service -> check function. The scheduler asks here what to run for
// a virtual; nothing else in the daemon names individual checks.
import type { Service, VirtualService } from '../config/model.js';
import type { CheckFn } from './types.js';
import { CheckCode, down } from './result.js';
import { connectCheck } from './connect.js';
import { httpCheck } from './http.js';
import { simpletcpCheck } from './simpletcp.js';
import { noneCheck, onCheck } from './none.js';
import { pingCheck } from './ping.js';
import { externalCheck, externalPerlCheck } from './external.js';
import { protocolChecks } from './protocols/index.js';

export { connectCheck, pingCheck, externalCheck, externalPerlCheck, noneCheck, onCheck };

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

/**
 * The check one cycle runs for a virtual, as ldirectord's _check_real dispatches:
 * connect (ping on udp virtuals), negotiate, ping, external, external-perl;
 * `on` is always up; `off` runs nothing (undefined). For `combined` (checktype=N)
 * this is the negotiate step: the scheduler runs connectCheck for the N connect steps.
 */
export function checkFor(virtual: Pick<VirtualService, 'checktype' | 'protocol' | 'service'>): CheckFn | undefined {
  switch (virtual.checktype) {
    case 'connect':
      return virtual.protocol === 'udp' ? pingCheck : connectCheck;
    case 'negotiate':
    case 'combined':
      return negotiateCheck(virtual.service);
    case 'ping':
      return pingCheck;
    case 'external':
      return externalCheck;
    case 'external-perl':
      return externalPerlCheck;
    case 'on':
      return onCheck;
    case 'off':
      return undefined;
  }
}

// Which IPVS backend the daemon writes to: the real ipvsadm (found as
// ldirectord finds it), or — only when asked for — the simulated table.
import { IpvsadmBackend } from '../ipvs/ipvsadm.js';
import { MemoryBackend } from '../ipvs/memory.js';
import { findIpvsadm } from '../ipvs/process.js';
import type { IpvsBackend } from '../ipvs/types.js';
import type { Logger } from '../log/types.js';

/** The backend for these daemon options; says so in the log when it is the simulated one. */
export async function openBackend(opts: { ipvs: 'ipvsadm' | 'simulated'; debug: boolean }, logger: Logger): Promise<IpvsBackend> {
  if (opts.ipvs === 'simulated') {
    logger.info('Using the SIMULATED IPVS table (in memory): nothing is written to the kernel');
    return new MemoryBackend();
  }
  return new IpvsadmBackend({ path: findIpvsadm({ debug: opts.debug }) });
}

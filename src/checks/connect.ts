// checktype=connect (ldirectord's check_connect): a TCP handshake to the
// check port and nothing else. The kernel completes the handshake even for a
// listener whose accept queue is full, so such a real is up, as in ldirectord.
import type { CheckFn } from './types.js';
import { CheckCode, up } from './result.js';
import { failure } from './errors.js';
import { openTcp } from './tcp.js';

/** TCP connect check: up when the handshake completes before the deadline. */
export const connectCheck: CheckFn = async ({ real }, signal) => {
  const startedAt = Date.now();
  try {
    const socket = await openTcp(real.ip, real.checkPort, signal);
    // Close at once, as ldirectord does; destroy() avoids lingering in FIN_WAIT on our side's timers.
    socket.destroy();
    // '-' is what ldirectord writes to the monitorfile for a passing connect check.
    return up(CheckCode.L4OK, '-', startedAt);
  } catch (err) {
    return failure(err, startedAt, CheckCode.L4CON);
  }
};

// nntp: check_nntp reads one chunk (up to 64 bytes) of the banner and wants it
// to start with '2' (200/201 posting allowed or not); anything else is down.
import type { CheckFn } from '../types.js';
import { CheckCode } from '../result.js';
import { CheckError, runCheck } from './session.js';
import { openStream } from './stream.js';

/** service=nntp */
export const checkNntp: CheckFn = ({ real }, signal) =>
  runCheck(signal, async (s) => {
    const stream = await openStream(s, real.ip, real.checkPort);
    const banner = await stream.readChunk(64);
    stream.end('QUIT\r\n');
    const line = banner.split(/\r?\n/)[0]!;
    if (!banner.startsWith('2')) throw new CheckError(CheckCode.L7STS, `banner: ${line}`);
    return line;
  });

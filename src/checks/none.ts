// service=none (check_none): no dialogue, the real is up.
import type { CheckFn } from './types.js';
import { CheckCode, up } from './result.js';

/** service=none: always up, message '-' as ldirectord's monitorfile. */
export const noneCheck: CheckFn = async () => up(CheckCode.L7OK, '-', Date.now());

// service=none (check_none) and checktype=on: no dialogue, the real is up.
import type { CheckFn } from './types.js';
import { CheckCode, up } from './result.js';

/** service=none: always up, message '-' as ldirectord's monitorfile. */
export const noneCheck: CheckFn = async () => up(CheckCode.L7OK, '-', Date.now());

/** checktype=on: reals are up without any check (the scheduler may simply skip checking). */
export const onCheck: CheckFn = noneCheck;

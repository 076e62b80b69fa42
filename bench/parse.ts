// Parse + resolve time of a large ldirectord.cf: 2,300 virtuals, 37,000 reals
// (loopback addresses, a mix of ranges and single reals). Prints numbers,
// asserts nothing. Run: npx tsc && node dist/bench/parse.js

import { performance } from 'node:perf_hooks';
import { parseConfigText } from '../src/config/index.js';

const VIRTUALS = 2300;
const REALS = 37000;

/** Build the config text: every virtual gets 16 or 17 reals, half of them as one range. */
export function bigConfig(virtuals = VIRTUALS, reals = REALS): string {
  const out: string[] = ['checktimeout=3', 'checkinterval=5', 'fallback=127.0.0.1:80', ''];
  let left = reals;
  for (let i = 0; i < virtuals; i++) {
    const n = Math.floor(left / (virtuals - i));
    left -= n;
    const net = `127.${1 + (i >> 8)}.${i & 255}`;
    out.push(`virtual=${net}.1:${80 + (i % 4)}`);
    const ranged = Math.floor(n / 2);
    if (ranged > 0) out.push(`\treal=${net}.10->${net}.${9 + ranged}:8080 masq 2`);
    for (let k = 0; k < n - ranged; k++) out.push(`\treal=${net}.${100 + k}:8080 masq 1 "check${k}", "OK"`);
    out.push('\tservice=http', '\trequest="/health"', '\tscheduler=wlc', '');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const text = bigConfig();
  const times: number[] = [];
  let realCount = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const c = await parseConfigText(text, 'bench.cf', { debug: true });
    times.push(performance.now() - t0);
    realCount = c.virtuals.reduce((s, v) => s + v.reals.length, 0);
  }
  times.sort((a, b) => a - b);
  console.log(`config: ${(text.length / 1024).toFixed(0)} KiB, ${VIRTUALS} virtuals, ${realCount} reals`);
  console.log(`parse+resolve: median ${times[2]!.toFixed(1)} ms (min ${times[0]!.toFixed(1)}, max ${times[4]!.toFixed(1)}) over 5 runs; target < 1000 ms`);
}

await main();

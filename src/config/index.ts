// ldirectord.cf -> the resolved, immutable Config (ldirectord 4.12's
// read_config + ld_setup), plus the summary and JSON for `configtest`.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Config } from './model.js';
import { Diagnostics, type ReadOptions } from './draft.js';
import { readConfig } from './reader.js';
import { buildConfig } from './setup.js';

export type { ReadOptions } from './draft.js';
export { ConfigError, formatWarning } from './errors.js';
export { summarize, configToJSON } from './summary.js';
export * from './model.js';

/** Parse and resolve config text; `file` is used in error texts (ldirectord's $CONFIG). */
export async function parseConfigText(text: string, file: string, opts: ReadOptions = {}): Promise<Config> {
  const diag = new Diagnostics(file);
  const { global, virtuals } = await readConfig(text, diag, opts);
  return buildConfig(file, opts.name ?? basename(file), global, virtuals, diag.warnings);
}

/** Read, parse and resolve a config file; unreadable -> ConfigError at line 0 (`can not open file F`). */
export async function loadConfig(file: string, opts: ReadOptions = {}): Promise<Config> {
  const shown = opts.shownAs ?? file;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    const diag: Diagnostics = new Diagnostics(shown);
    diag.error(0, `can not open file ${shown}`);
  }
  return parseConfigText(text, shown, opts);
}

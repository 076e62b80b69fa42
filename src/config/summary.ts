// Human and JSON views of a Config, for the `configtest [--json]` command.

import type { Config } from './model.js';

/** A short summary: counts of virtuals, reals and checks by type, then one line per virtual. */
export function summarize(config: Config): string {
  const reals = config.virtuals.reduce((n, v) => n + v.reals.length, 0);
  const checks = new Set<string>();
  const byType = new Map<string, number>();
  for (const v of config.virtuals) {
    const type = v.checktype === 'negotiate' || v.checktype === 'combined' ? `${v.checktype}:${v.service}` : v.checktype;
    for (const r of v.reals) {
      if (checks.has(r.checkId)) continue;
      checks.add(r.checkId);
      byType.set(type, (byType.get(type) ?? 0) + 1);
    }
  }
  const types = [...byType].sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${t}=${n}`).join(' ');
  const lines = [
    `${config.file}: ${config.virtuals.length} virtual service(s), ${reals} real server(s), ${checks.size} distinct check(s)${types ? ` (${types})` : ''}`,
  ];
  for (const v of config.virtuals) {
    const fb = v.fallback ? `, fallback ${v.af === 6 ? `[${v.fallback.ip}]` : v.fallback.ip}:${v.fallback.port}` : '';
    lines.push(`  ${v.id} ${v.scheduler} ${v.checktype}${v.checktype === 'negotiate' ? `/${v.service}` : ''}: ${v.reals.length} real(s)${fb}`);
  }
  for (const w of config.warnings) lines.push(`  warning (line ${w.line}): ${w.message}`);
  return lines.join('\n') + '\n';
}

/** The whole resolved config as plain JSON data (stable key order as in the model). */
export function configToJSON(config: Config): unknown {
  return JSON.parse(JSON.stringify(config));
}

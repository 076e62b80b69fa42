// argv parsing with the semantics of ldirectord's
//   Getopt::Long::Configure("bundling", "no_auto_abbrev", "require_order");
//   GetOptions("debug|d", "help|h|?", "version|v")
// single-dash options are bundled letters (-dv), long options need "--" and
// their full name, parsing stops at the first non-option or at "--".
// Extensions (before the config argument): --ipvs=simulated|ipvsadm,
// --shadow (decide and log, never write the table), --metrics=HOST:PORT.

/** The parsed command line. */
export interface ParsedArgs {
  readonly debug: boolean;
  readonly help: boolean;
  readonly version: boolean;
  /** --ipvs=MODE (extension); undefined when not given. */
  readonly ipvs?: 'simulated' | 'ipvsadm';
  /** --shadow (extension): never write the table. */
  readonly shadow: boolean;
  /** --metrics=HOST:PORT (extension): the Prometheus endpoint; undefined when not given. */
  readonly metrics?: string;
  /** What is left after the options: [config] command [extra...]. */
  readonly rest: readonly string[];
  /** Getopt::Long's warnings ("Unknown option: x"); non-empty means GetOptions failed (usage follows). */
  readonly errors: readonly string[];
}

const SHORT: Record<string, 'debug' | 'help' | 'version'> = { d: 'debug', h: 'help', '?': 'help', v: 'version' };
const LONG = new Set(['debug', 'help', 'version']);

/** Parse argv (without node and script) as ldirectord's GetOptions call does. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const flags = { debug: false, help: false, version: false };
  let ipvs: ParsedArgs['ipvs'];
  let shadow = false;
  let metrics: string | undefined;
  const errors: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (name === 'ipvs') {
        const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (value === 'simulated' || value === 'ipvsadm') ipvs = value;
        else if (value === undefined) errors.push('Option ipvs requires an argument');
        else errors.push(`Value "${value}" invalid for option ipvs (simulated or ipvsadm)`);
      } else if (name === 'metrics') {
        const value = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (value === undefined) errors.push('Option metrics requires an argument');
        else if (!/^(\[[0-9A-Fa-f:.]+\]|[^:\s]+):\d{1,5}$/.test(value)) errors.push(`Value "${value}" invalid for option metrics (HOST:PORT)`);
        else metrics = value;
      } else if (name === 'shadow') {
        if (eq >= 0) errors.push('Option shadow does not take an argument');
        else shadow = true;
      } else if (LONG.has(name)) {
        if (eq >= 0) errors.push(`Option ${name} does not take an argument`);
        else flags[name as keyof typeof flags] = true;
      } else {
        errors.push(`Unknown option: ${name}`);
      }
      continue;
    }
    // "-" alone is an argument; require_order: the first argument ends option parsing.
    if (!a.startsWith('-') || a === '-') break;
    for (const ch of a.slice(1)) {
      const opt = SHORT[ch];
      if (opt) flags[opt] = true;
      else errors.push(`Unknown option: ${ch}`);
    }
  }
  return { ...flags, ipvs, shadow, ...(metrics === undefined ? {} : { metrics }), rest: argv.slice(i), errors };
}

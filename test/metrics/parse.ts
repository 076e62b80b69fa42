// A strict reader of the Prometheus text format 0.0.4, for tests: every sample
// must follow the HELP and TYPE of its family, names and labels must be well
// formed, values must parse. Throws on the first violation.

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** One family. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (v === 'NaN') return NaN;
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v)) throw new Error(`bad value ${v}`);
  return Number(v);
}

function parseLabels(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(text.slice(i));
    if (!m) throw new Error(`bad label at ${text.slice(i)}`);
    i += m[0].length;
    let value = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined) throw new Error(`unterminated label value in ${text}`);
      if (c === '"') break;
      if (c === '\\') {
        const e = text[i++];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else throw new Error(`bad escape \\${e}`);
      } else value += c;
    }
    if (m[1]! in out) throw new Error(`duplicate label ${m[1]}`);
    out[m[1]!] = value;
    if (text[i] === ',') i++;
    else if (i !== text.length) throw new Error(`expected , in ${text}`);
  }
  return out;
}

/** Parse a whole exposition; families by name. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, MetricFamily>();
  let current: MetricFamily | undefined;
  let pendingHelp: { name: string; help: string } | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^# HELP (\S+) (.*)$/.exec(line))) {
      if (families.has(m[1]!)) throw new Error(`family ${m[1]} twice`);
      pendingHelp = { name: m[1]!, help: m[2]! };
    } else if ((m = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line))) {
      if (pendingHelp?.name !== m[1]) throw new Error(`TYPE ${m[1]} without its HELP`);
      current = { name: m[1]!, help: pendingHelp.help, type: m[2]!, samples: [] };
      families.set(current.name, current);
      pendingHelp = undefined;
    } else if ((m = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line))) {
      const name = m[1]!;
      if (!NAME.test(name)) throw new Error(`bad metric name ${name}`);
      if (!current) throw new Error(`sample ${name} before any TYPE`);
      const base = current.type === 'histogram' ? name.replace(/_(bucket|sum|count)$/, '') : name;
      if (base !== current.name) throw new Error(`sample ${name} inside family ${current.name}`);
      current.samples.push({ name, labels: parseLabels(m[2] ?? ''), value: parseValue(m[3]!) });
    } else {
      throw new Error(`unparseable line: ${JSON.stringify(line)}`);
    }
  }
  return families;
}

/** The samples of `name` whose labels include `match`. */
export function samples(fams: Map<string, MetricFamily>, name: string, match: Record<string, string> = {}): Sample[] {
  const base = name.replace(/_(bucket|sum|count)$/, '');
  const fam = fams.get(name) ?? fams.get(base);
  return (fam?.samples ?? []).filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v));
}

// A minimal Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4 (HELP/TYPE lines, escaped label
// values, cumulative `le` buckets with +Inf, `_sum` and `_count`). No
// prom-client: the format is small and this keeps the daemon's graph lean.

/** Label names to values. Order of the names is fixed per metric at creation. */
export type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(out: string[]): void;
}

/** Escape a label value: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Escape HELP text: backslash and newline. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `{a="x",b="y"}` or '' when no labels. */
export function labelText(labels: Labels, extra?: [string, string]): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  if (extra) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Prometheus float formatting: +Inf, -Inf, NaN, else the shortest round-trip decimal. */
export function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.values(labels));
}

/** A monotonically increasing value per label set. */
export class Counter implements Family {
  readonly type = 'counter' as const;
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const k = keyOf(labels);
    const cur = this.#values.get(k);
    if (cur) cur.value += by;
    else this.#values.set(k, { labels, value: by });
  }

  get(labels: Labels = {}): number {
    return this.#values.get(keyOf(labels))?.value ?? 0;
  }

  render(out: string[]): void {
    for (const { labels, value } of this.#values.values()) out.push(`${this.name}${labelText(labels)} ${formatValue(value)}`);
  }
}

/** A value that goes up and down; either set directly or computed at scrape time. */
export class Gauge implements Family {
  readonly #values = new Map<string, { labels: Labels; value: number }>();
  /** Called at each render: fills the gauge from live state (previous values are cleared first). */
  collect?: (set: (labels: Labels, value: number) => void) => void;
  /** 'counter' for a total kept elsewhere (the scheduler's counters) and read at scrape time. */
  constructor(readonly name: string, readonly help: string, readonly type: 'gauge' | 'counter' = 'gauge') {}

  set(labels: Labels, value: number): void {
    this.#values.set(keyOf(labels), { labels, value });
  }

  render(out: string[]): void {
    if (this.collect) {
      this.#values.clear();
      this.collect((labels, value) => this.set(labels, value));
    }
    for (const { labels, value } of this.#values.values()) out.push(`${this.name}${labelText(labels)} ${formatValue(value)}`);
  }
}

/** Observations in cumulative buckets (upper bounds in base units, ascending). */
export class Histogram implements Family {
  readonly type = 'histogram' as const;
  readonly #series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {}

  observe(labels: Labels, value: number): void {
    const k = keyOf(labels);
    let s = this.#series.get(k);
    if (!s) this.#series.set(k, (s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Stored per bucket, accumulated at render time.
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  render(out: string[]): void {
    for (const s of this.#series.values()) {
      let acc = 0;
      this.buckets.forEach((b, i) => {
        acc += s.counts[i]!;
        out.push(`${this.name}_bucket${labelText(s.labels, ['le', formatValue(b)])} ${acc}`);
      });
      out.push(`${this.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
      out.push(`${this.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
      out.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
  }
}

/** A set of metric families rendered together. */
export class Registry {
  readonly #families: Family[] = [];

  counter(name: string, help: string): Counter {
    return this.#add(new Counter(name, help));
  }

  gauge(name: string, help: string, collect?: Gauge['collect']): Gauge {
    const g = this.#add(new Gauge(name, help));
    g.collect = collect;
    return g;
  }

  /** A counter whose total lives elsewhere and is read at each scrape. */
  collectedCounter(name: string, help: string, collect: NonNullable<Gauge['collect']>): Gauge {
    const g = this.#add(new Gauge(name, help, 'counter'));
    g.collect = collect;
    return g;
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    return this.#add(new Histogram(name, help, buckets));
  }

  /** The text exposition format (Content-Type: text/plain; version=0.0.4). */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families) {
      out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
      f.render(out);
    }
    return `${out.join('\n')}\n`;
  }

  #add<F extends Family>(f: F): F {
    if (this.#families.some((x) => x.name === f.name)) throw new Error(`duplicate metric ${f.name}`);
    this.#families.push(f);
    return f;
  }
}

/** Content-Type of the text format. */
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

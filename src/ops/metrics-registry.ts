// A small Prometheus registry: counters, gauges (set by hand or read at scrape time),
// histograms, labels, and the text exposition format 0.0.4. Written here rather than taken from
// prom-client, which is built on Node's cluster, perf_hooks and v8 modules and brings default
// process metrics we do not want; the format itself is a page of rules, all of them below.

type Labels<L extends string> = Readonly<Record<L, string>>;

export interface Counter<L extends string = never> {
  inc(labels: Labels<L>, by?: number): void;
  /** The series of `labels`, resolved once: for a caller that counts it often. Shows from now. */
  labels(labels: Labels<L>): { inc(by?: number): void };
}

export interface Gauge<L extends string = never> {
  set(labels: Labels<L>, value: number): void;
  inc(labels: Labels<L>, by?: number): void;
}

/** A sample computed when scraped: a number, labelled samples, or null for none. */
export type Reading<L extends string> = number | { labels: Labels<L>; value: number }[] | null;

export interface CallbackGauge<L extends string = never> {
  /** Sets (or replaces) the function read at every scrape; until then the gauge is empty. */
  collect(fn: () => Reading<L>): void;
}

export interface Histogram<L extends string = never> {
  observe(labels: Labels<L>, value: number): void;
  /** The series of `labels`, resolved once, as Counter.labels. */
  labels(labels: Labels<L>): { observe(value: number): void };
}

interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  /** Sample lines, each without the trailing newline. */
  render(): string[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class Registry {
  private readonly families = new Map<string, Family>();

  counter<L extends string = never>(name: string, help: string, labels: readonly L[] = []) {
    const series = this.series<L, number>(labels);
    this.add({ name, help, type: "counter", render: () => series.lines(name, (v) => v) });
    const check = (by: number) => {
      if (!(by >= 0)) throw new RangeError(`${name}: a counter only goes up (got ${by})`);
    };
    return {
      inc(l: Labels<L>, by = 1) {
        check(by);
        series.slot(l, zero).v += by;
      },
      labels(l: Labels<L>) {
        const slot = series.slot(l, zero);
        return {
          inc(by = 1) {
            check(by);
            slot.v += by;
          },
        };
      },
    } satisfies Counter<L>;
  }

  gauge<L extends string = never>(name: string, help: string, labels: readonly L[] = []) {
    const series = this.series<L, number>(labels);
    this.add({ name, help, type: "gauge", render: () => series.lines(name, (v) => v) });
    return {
      set: (l: Labels<L>, value: number) => {
        series.slot(l, zero).v = value;
      },
      inc: (l: Labels<L>, by = 1) => {
        series.slot(l, zero).v += by;
      },
    } satisfies Gauge<L>;
  }

  callbackGauge<L extends string = never>(name: string, help: string, labels: readonly L[] = []) {
    checkLabels(labels);
    let fn: (() => Reading<L>) | null = null;
    const render = () => {
      // A failing source drops its own gauge from the scrape, not the whole scrape.
      let reading: Reading<L>;
      try {
        reading = fn ? fn() : null;
      } catch {
        return [];
      }
      if (reading === null) return [];
      if (typeof reading === "number") return [`${name} ${num(reading)}`];
      return reading.map((r) => `${name}${labelText(labels, r.labels)} ${num(r.value)}`);
    };
    this.add({ name, help, type: "gauge", render });
    return {
      collect(f: () => Reading<L>) {
        fn = f;
      },
    } satisfies CallbackGauge<L>;
  }

  histogram<L extends string = never>(
    name: string,
    help: string,
    buckets: readonly number[],
    labels: readonly L[] = [],
  ) {
    if (labels.includes("le" as L)) throw new Error(`${name}: "le" is reserved for buckets`);
    const bounds = [...buckets];
    if (
      bounds.length === 0 ||
      bounds.some((b, i) => !Number.isFinite(b) || b <= (bounds[i - 1] ?? -Infinity))
    ) {
      throw new Error(`${name}: buckets must be finite and strictly increasing`);
    }
    type H = { counts: number[]; sum: number; count: number };
    const series = this.series<L, H>(labels);
    const render = () =>
      series.entries().flatMap(([values, h]) => {
        const out: string[] = [];
        let cumulative = 0;
        [...bounds, Number.POSITIVE_INFINITY].forEach((b, i) => {
          cumulative += h.counts[i] ?? 0;
          const le = labelText([...labels, "le"], [...values, num(b)]);
          out.push(`${name}_bucket${le} ${cumulative}`);
        });
        const l = labelText(labels, values);
        out.push(`${name}_sum${l} ${num(h.sum)}`, `${name}_count${l} ${h.count}`);
        return out;
      });
    this.add({ name, help, type: "histogram", render });
    const fresh = (): H => ({ counts: new Array(bounds.length + 1).fill(0), sum: 0, count: 0 });
    const add = (h: H, value: number) => {
      // Buckets are "less than or equal"; the last slot (i === bounds.length) is +Inf.
      let i = 0;
      while (i < bounds.length && !(value <= (bounds[i] as number))) i++;
      h.counts[i] = (h.counts[i] ?? 0) + 1;
      h.sum += value;
      h.count++;
    };
    return {
      observe(l: Labels<L>, value: number) {
        add(series.slot(l, fresh).v, value);
      },
      labels(l: Labels<L>) {
        const h = series.slot(l, fresh).v;
        return { observe: (value: number) => add(h, value) };
      },
    } satisfies Histogram<L>;
  }

  /** The whole registry in the text format 0.0.4. */
  expose(): string {
    let out = "";
    for (const f of this.families.values()) {
      out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
      for (const line of f.render()) out += `${line}\n`;
    }
    return out;
  }

  private add(f: Family) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name "${f.name}"`);
    if (this.families.has(f.name)) throw new Error(`metric "${f.name}" registered twice`);
    this.families.set(f.name, f);
  }

  /** Values by label values, kept in first-seen order so scrapes are stable. */
  private series<L extends string, V>(labels: readonly L[]) {
    checkLabels(labels);
    type Slot = { values: string[]; v: V };
    const map = new Map<string, Slot>();
    const valuesOf = (l: Labels<L>) =>
      labels.map((n) => {
        const v = l[n];
        if (typeof v !== "string") throw new Error(`label "${n}" is missing`);
        return v;
      });
    return {
      /** The series of `l`, made (at `initial()`) when first asked for. */
      slot(l: Labels<L>, initial: () => V): Slot {
        const values = valuesOf(l);
        const key = JSON.stringify(values);
        let s = map.get(key);
        if (!s) {
          s = { values, v: initial() };
          map.set(key, s);
        }
        return s;
      },
      entries: () => [...map.values()].map((s) => [s.values, s.v] as const),
      lines(name: string, value: (v: V) => number): string[] {
        // A metric without labels exists from the start: a scrape shows 0, not nothing.
        if (labels.length === 0 && map.size === 0) return [`${name} 0`];
        return [...map.values()].map(
          (s) => `${name}${labelText(labels, s.values)} ${num(value(s.v))}`,
        );
      },
    };
  }
}

const zero = () => 0;

function checkLabels(labels: readonly string[]) {
  for (const l of labels) {
    if (!LABEL_NAME.test(l) || l.startsWith("__")) throw new Error(`invalid label name "${l}"`);
  }
}

function labelText(names: readonly string[], values: readonly string[] | Labels<string>): string {
  if (names.length === 0) return "";
  const get = (n: string, i: number) =>
    Array.isArray(values) ? values[i] : (values as Labels<string>)[n];
  const pairs = names.map((n, i) => `${n}="${escapeLabel(String(get(n, i) ?? ""))}"`);
  return `{${pairs.join(",")}}`;
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and line feed only. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Go's float syntax as Prometheus parses it: +Inf, -Inf, NaN, or a plain JS number. */
function num(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

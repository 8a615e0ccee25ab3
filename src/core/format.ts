// Numbers as an operator reads them: money to the cent unless it is less, sizes and counts short.

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const grouped = new Intl.NumberFormat("en");

/** Dollars: cents for sums, four decimals for the fractions of a cent one page may cost. */
export function usd(amount: number | null): string {
  if (amount === null) return "–";
  if (amount === 0) return "$0";
  if (Math.abs(amount) < 0.01) return `$${amount.toFixed(4)}`;
  return `$${amount.toFixed(2)}`;
}

export function bytes(n: number | null): string {
  if (n === null) return "–";
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

export function count(n: number): string {
  return n < 10_000 ? grouped.format(n) : compact.format(n);
}

/** A UTC timestamp to the minute: the same on every operator's screen and in the logs. */
export function when(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

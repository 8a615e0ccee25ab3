// Numbers as operators read them, in the admin view and on the command line: money, sizes,
// counts and times. Intl.NumberFormat does the digits; the rules for which precision are here.

const cents = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const fourDigits = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 4,
  maximumFractionDigits: 4,
});
const grouped = new Intl.NumberFormat("en-US");
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
const oneDecimal = { minimumFractionDigits: 1, maximumFractionDigits: 1 } as const;
const kilobytes = new Intl.NumberFormat("en", {
  style: "unit",
  unit: "kilobyte",
  unitDisplay: "short",
  ...oneDecimal,
});
const megabytes = new Intl.NumberFormat("en", {
  style: "unit",
  unit: "megabyte",
  unitDisplay: "short",
  ...oneDecimal,
});

/**
 * Dollars. For reading (the admin view): cents for sums, four decimals for the fractions of a
 * cent one page may cost. `exact` (the command line, read by scripts too): always four.
 */
export function usd(amount: number | null, exact = false): string {
  if (amount === null) return "–";
  if (exact) return fourDigits.format(amount);
  if (amount === 0) return "$0";
  return Math.abs(amount) < 0.01 ? fourDigits.format(amount) : cents.format(amount);
}

/** Sizes in decimal units, as browsers' network panels show them. */
export function bytes(n: number | null): string {
  if (n === null) return "–";
  if (n < 1000) return `${grouped.format(n)} B`;
  if (n < 1_000_000) return kilobytes.format(n / 1000);
  return megabytes.format(n / 1_000_000);
}

/** A count in full, grouped by thousands. */
export function whole(n: number): string {
  return grouped.format(n);
}

/** A count for a glance: in full up to 10,000, then short (12K). */
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

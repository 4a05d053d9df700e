// Formatting helpers. Times are shown in an explicit IANA zone (the campaign's or report's).

export const money = (v: number | null | undefined, digits = 2): string =>
  v == null ? "—" : v.toLocaleString("en-US", { style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits });

export const num = (v: number | null | undefined): string => (v == null ? "—" : Math.round(v).toLocaleString("en-US"));

export const pct = (v: number | null | undefined): string => (v == null ? "—" : `${v.toFixed(2)}%`);

export function dateTime(epochMs: number | null | undefined, timeZone?: string | null): string {
  if (epochMs == null) return "—";
  try {
    return new Intl.DateTimeFormat("en-US", {
      timeZone: timeZone || undefined,
      year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
    }).format(new Date(epochMs));
  } catch {
    return new Date(epochMs).toISOString();
  }
}

export function dayString(epochMs: number, timeZone?: string | null): string {
  // YYYY-MM-DD of an instant in a zone
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: timeZone || undefined, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(new Date(epochMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Epoch ms of a wall-clock "YYYY-MM-DDTHH:mm" in an IANA zone (for datetime-local inputs). */
export function zonedToEpoch(local: string, timeZone: string): number {
  const asUtc = Date.parse(local + ":00Z");
  // offset of the zone at that instant, iterated twice for DST edges
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const shown = Date.parse(new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(new Date(guess)).replace(" ", "T") + "Z");
    guess = asUtc - (shown - guess);
  }
  return guess;
}

/** "YYYY-MM-DDTHH:mm" wall clock of an instant in a zone (value of a datetime-local input). */
export function epochToZoned(epochMs: number, timeZone: string): string {
  return new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(epochMs)).replace(" ", "T");
}

/** A calendar day of an instant in a zone, e.g. "Jun 02, 2025". */
export function dateOnly(epochMs: number | null | undefined, timeZone?: string | null): string {
  if (epochMs == null) return "—";
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: timeZone || undefined, year: "numeric", month: "short", day: "2-digit" }).format(new Date(epochMs));
  } catch {
    return new Date(epochMs).toISOString().slice(0, 10);
  }
}

/** Epoch ms of a day's first millisecond ("YYYY-MM-DD", local midnight) in a zone. */
export const dayStart = (day: string, timeZone: string): number => zonedToEpoch(`${day}T00:00`, timeZone);

/** Epoch ms of a day's last millisecond in a zone (23:59:59.999 local). */
export const dayEnd = (day: string, timeZone: string): number => zonedToEpoch(`${day}T23:59`, timeZone) + 59_999;

// Wire formats for timestamps (§2 T14) and loose boolean query parameters (T7).

/** metav1.Time: RFC 3339 with whole seconds. */
export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function formatMicroTime(d: Date, micros = 0): string {
  const ms = String(d.getUTCMilliseconds()).padStart(3, '0');
  return d.toISOString().replace(/\.\d+Z$/, `.${ms}${String(micros % 1000).padStart(3, '0')}Z`);
}

export function nowTimestamp(): string {
  return formatTime(new Date());
}

/** "0" and case-insensitive "false" are false, anything else (even "") true; absent is undefined. */
export function parseBoolParam(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

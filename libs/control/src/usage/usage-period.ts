import { UsageError } from './usage.errors';

/** RFC 3339 date-time with an explicit offset. */
const RFC3339_RE = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export interface UsagePeriod {
  from: Date;
  to: Date;
}

/** [from, to): both optional RFC 3339; the default is the current calendar month (UTC). */
export function usagePeriod(from: string | undefined, to: string | undefined, now: Date = new Date()): UsagePeriod {
  const problems: { field: string; message: string }[] = [];
  const parse = (field: string, value: string | undefined): Date | undefined => {
    if (value === undefined) return undefined;
    const d = new Date(value);
    if (!RFC3339_RE.test(value) || Number.isNaN(d.getTime())) {
      problems.push({ field, message: `${field} must be an RFC 3339 date-time` });
      return undefined;
    }
    return d;
  };
  const f = parse('from', from);
  const t = parse('to', to);
  if (problems.length) throw new UsageError('USAGE_PERIOD_INVALID', 'the usage period is invalid', problems);
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  const period = { from: f ?? (t ? new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1)) : monthStart), to: t ?? (f && f >= nextMonth ? new Date(f.getTime() + 1) : nextMonth) };
  if (period.from > period.to) {
    throw new UsageError('USAGE_PERIOD_INVALID', 'from must not be after to', [{ field: 'from', message: 'from must not be after to' }]);
  }
  return period;
}

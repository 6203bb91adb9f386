import { readdirSync, readFileSync } from 'node:fs';

export interface LatencyStats {
  n: number;
  minMs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
}

/** Nearest-rank percentiles over the samples (milliseconds). */
export function latencyStats(samples: number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: s.length,
    minMs: round(s[0]),
    medianMs: round(rank(50)),
    p95Ms: round(rank(95)),
    maxMs: round(s[s.length - 1]),
    meanMs: round(s.reduce((a, b) => a + b, 0) / s.length),
  };
}

/** Resident memory of a process in MiB (VmRSS from /proc/<pid>/status). */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

/**
 * CPU time (ms) a process has used so far, all its threads, from the scheduler's nanosecond
 * counters (/proc/<pid>/task/<tid>/schedstat; tick-sampled utime is too coarse for short bursts).
 * 0 once it is gone.
 */
export function cpuMs(pid: number): number {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // thread ended meanwhile
      }
    }
  } catch {
    return 0;
  }
  return ns / 1e6;
}

/**
 * CPU time (ms) of the machine's PostgreSQL: every live postgres process, plus what the postmaster
 * has reaped from backends that exited (its cutime + cstime), so connections closing during a
 * measurement do not make the total go down.
 */
export function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      total += cpuMs(Number(pid));
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Children's time is accounted only to the postmaster (its parent is not postgres).
      const parent = fields[1];
      if (readFileSync(`/proc/${parent}/comm`, 'utf8').trim() !== 'postgres') total += (Number(fields[13]) + Number(fields[14])) * 10;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** CPU time (ms) so far of each platform process, PostgreSQL and the bench itself, for per-operation costs. */
export function platformCpuMs(platform: { pid(app: 'api' | 'apiserver' | 'worker'): number }): Record<'api' | 'worker' | 'apiserver' | 'postgres' | 'bench', number> {
  const own = process.cpuUsage();
  return {
    api: cpuMs(platform.pid('api')),
    worker: cpuMs(platform.pid('worker')),
    apiserver: cpuMs(platform.pid('apiserver')),
    postgres: postgresCpuMs(),
    bench: (own.user + own.system) / 1000,
  };
}

/** CPU ms per operation by process between two `platformCpuMs` snapshots. */
export function cpuMsPer(before: Record<string, number>, after: Record<string, number>, operations: number): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Math.round(((v - before[k]) / Math.max(1, operations)) * 100) / 100]));
}

/** A plain-text table (also valid as a Markdown table). */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(cells[0]), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
}

/** p50/p90/p95/p99 (nearest rank) of samples in milliseconds. */
export function percentiles(samples: number[]): { n: number; p50: number; p90: number; p95: number; p99: number; max: number; mean: number } {
  const s = Float64Array.from(samples).sort();
  const round = (v: number) => Math.round(v * 100) / 100;
  const rank = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]) : NaN);
  let sum = 0;
  for (const v of s) sum += v;
  return { n: s.length, p50: rank(50), p90: rank(90), p95: rank(95), p99: rank(99), max: s.length ? round(s[s.length - 1]) : NaN, mean: s.length ? round(sum / s.length) : NaN };
}

function statusKiB(pid: number, field: string): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // the process went away
  }
}

/** Peak resident memory of a process in MiB (VmHWM). */
export function hwmMiB(pid: number): number {
  return Math.round((statusKiB(pid, 'VmHWM') / 1024) * 10) / 10;
}

/**
 * Resident memory of the PostgreSQL backends serving `pids` (from pg_stat_activity), in MiB:
 * `rss` sums VmRSS (counts shared buffers each backend touched, so it over-counts shared memory),
 * `anon` sums RssAnon (private memory only).
 */
export function postgresRssMiB(pids: number[]): { rss: number; anon: number; backends: number } {
  let rss = 0;
  let anon = 0;
  for (const pid of pids) {
    rss += statusKiB(pid, 'VmRSS');
    anon += statusKiB(pid, 'RssAnon');
  }
  return { rss: Math.round((rss / 1024) * 10) / 10, anon: Math.round((anon / 1024) * 10) / 10, backends: pids.length };
}

/** Samples apiserver and Postgres memory every `everyMs` and keeps the peaks. */
export class MemorySampler {
  peakApiserverMiB = 0;
  peakPostgresRssMiB = 0;
  peakPostgresAnonMiB = 0;
  peakPostgresBackends = 0;
  private timer?: NodeJS.Timeout;
  private busy = false;
  constructor(private readonly apiserverPid: number, private readonly postgresPids: () => Promise<number[]>, private readonly everyMs = 500) {}
  start(): this {
    this.timer = setInterval(() => void this.sample(), this.everyMs);
    return this;
  }
  async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      this.peakApiserverMiB = Math.max(this.peakApiserverMiB, statusKiB(this.apiserverPid, 'VmRSS') / 1024);
      const pg = postgresRssMiB(await this.postgresPids().catch(() => []));
      this.peakPostgresRssMiB = Math.max(this.peakPostgresRssMiB, pg.rss);
      this.peakPostgresAnonMiB = Math.max(this.peakPostgresAnonMiB, pg.anon);
      this.peakPostgresBackends = Math.max(this.peakPostgresBackends, pg.backends);
    } finally {
      this.busy = false;
    }
  }
  async stop(): Promise<{ apiserverPeakRssMiB: number; apiserverVmHWMMiB: number; postgresPeakRssMiB: number; postgresPeakAnonMiB: number; postgresPeakBackends: number }> {
    if (this.timer) clearInterval(this.timer);
    await this.sample();
    const r1 = (v: number) => Math.round(v * 10) / 10;
    return {
      apiserverPeakRssMiB: r1(this.peakApiserverMiB),
      apiserverVmHWMMiB: hwmMiB(this.apiserverPid),
      postgresPeakRssMiB: r1(this.peakPostgresRssMiB),
      postgresPeakAnonMiB: r1(this.peakPostgresAnonMiB),
      postgresPeakBackends: this.peakPostgresBackends,
    };
  }
}

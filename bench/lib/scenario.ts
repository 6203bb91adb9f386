import type { BenchPlatform } from './platform';

export interface ScenarioContext {
  platform: BenchPlatform;
  /** Progress output (stderr, so that stdout stays the result table). */
  log(msg: string): void;
}

export interface ScenarioResult {
  scenario: string;
  /** Free-form, JSON-serialisable figures (written to bench/results/<scenario>-<ts>.json). */
  data: Record<string, unknown>;
  /** Human-readable table(s) printed to stdout and embedded in the Markdown report. */
  table: string;
  /** Markdown body of bench/results/<scenario>-latest.md (without the title). */
  markdown: string;
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}

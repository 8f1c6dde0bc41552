/** What a run found, case by case: the input of every report. */

export interface HttpRequestRecord {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

export interface HttpResponseRecord {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** One request and its answer (or why there was none), as exchanged on the wire. */
export interface Exchange {
  readonly request: HttpRequestRecord;
  readonly response?: HttpResponseRecord;
  readonly error?: string;
  readonly durationMs: number;
}

export interface Mismatch {
  /** What was checked, e.g. `registry response status`. */
  readonly check: string;
  readonly expected: string;
  readonly actual: string;
}

export type StepOutcome = 'passed' | 'failed';

export interface StepResult {
  readonly id: string;
  readonly title: string;
  /** ITI-41, ITI-65…, or `precondition` for the set-up the runner does itself. */
  readonly transaction: string;
  readonly outcome: StepOutcome;
  readonly mismatches: readonly Mismatch[];
  readonly exchanges: readonly Exchange[];
}

export type CaseOutcome = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly id: string;
  readonly title: string;
  readonly origin: string;
  readonly description?: string;
  readonly outcome: CaseOutcome;
  /** Why the case was skipped. */
  readonly reason?: string;
  readonly steps: readonly StepResult[];
  readonly durationMs: number;
}

export interface SuiteResult {
  readonly target: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly cases: readonly CaseResult[];
}

export function countOutcomes(result: SuiteResult): Record<CaseOutcome, number> {
  const counts: Record<CaseOutcome, number> = { passed: 0, failed: 0, skipped: 0 };
  for (const each of result.cases) counts[each.outcome] += 1;
  return counts;
}

/** The exit status a run ends with: any failure is non-zero. */
export function exitCodeOf(result: SuiteResult): number {
  return countOutcomes(result).failed > 0 ? 1 : 0;
}

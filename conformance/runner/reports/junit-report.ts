import type { CaseResult, StepResult, SuiteResult } from '../results';
import { countOutcomes } from '../results';
import { CONTROL_CHARACTERS, exchangeText } from './exchange-text';

/** JUnit XML for CI: one testsuite per area (mhd, xds, fr…), one testcase per case. */
export function junitReport(result: SuiteResult): string {
  const counts = countOutcomes(result);
  const areas = groupByArea(result.cases);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="Passerelle conformance suite" tests="${result.cases.length}" ` +
      `failures="${counts.failed}" skipped="${counts.skipped}" errors="0" ` +
      `time="${seconds(result.durationMs)}" timestamp="${attribute(result.startedAt)}">`,
    ...[...areas].map(([area, cases]) => testSuite(area, cases, result)),
    '</testsuites>',
    '',
  ].join('\n');
}

function groupByArea(cases: readonly CaseResult[]): Map<string, CaseResult[]> {
  const areas = new Map<string, CaseResult[]>();
  for (const each of cases) {
    const area = each.id.split('/')[0];
    areas.set(area, [...(areas.get(area) ?? []), each]);
  }
  return areas;
}

function testSuite(area: string, cases: readonly CaseResult[], result: SuiteResult): string {
  const failed = cases.filter((c) => c.outcome === 'failed').length;
  const skipped = cases.filter((c) => c.outcome === 'skipped').length;
  const time = cases.reduce((total, c) => total + c.durationMs, 0);
  return [
    `  <testsuite name="${attribute(area)}" tests="${cases.length}" failures="${failed}" ` +
      `skipped="${skipped}" errors="0" time="${seconds(time)}" hostname="${attribute(result.target)}">`,
    ...cases.map(testCase),
    '  </testsuite>',
  ].join('\n');
}

function testCase(each: CaseResult): string {
  const open =
    `    <testcase classname="conformance.${attribute(each.id.split('/')[0])}" ` +
    `name="${attribute(`${each.id}: ${each.title}`)}" time="${seconds(each.durationMs)}"`;
  if (each.outcome === 'passed') return `${open}/>`;
  if (each.outcome === 'skipped') {
    return `${open}>\n      <skipped message="${attribute(each.reason ?? '')}"/>\n    </testcase>`;
  }
  const failedStep = each.steps.find((step) => step.outcome === 'failed');
  return [
    `${open}>`,
    `      <failure message="${attribute(failureMessage(failedStep))}" type="ConformanceMismatch">` +
      `${text(failureDetails(each))}</failure>`,
    `      <system-out>${text(exchanges(each))}</system-out>`,
    '    </testcase>',
  ].join('\n');
}

function failureMessage(step: StepResult | undefined): string {
  const first = step?.mismatches[0];
  if (!step || !first) return 'failed';
  return `step ${step.id} (${step.transaction}): ${first.check}: expected ${first.expected}, actual ${first.actual}`;
}

function failureDetails(each: CaseResult): string {
  const lines = [`origin: ${each.origin}`];
  for (const step of each.steps.filter((s) => s.outcome === 'failed')) {
    lines.push(`step ${step.id} (${step.transaction}) ${step.title}`);
    for (const mismatch of step.mismatches) {
      lines.push(
        `  ${mismatch.check}`,
        `    expected: ${mismatch.expected}`,
        `    actual:   ${mismatch.actual}`,
      );
    }
  }
  return lines.join('\n');
}

function exchanges(each: CaseResult): string {
  return each.steps
    .flatMap((step) =>
      step.exchanges.map((e) => `=== step ${step.id} (${step.transaction})\n${exchangeText(e)}`),
    )
    .join('\n\n');
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

/** XML 1.0 forbids most control characters even escaped: they are dropped. */
function text(value: string): string {
  return value
    .replace(CONTROL_CHARACTERS, '')
    .replace(/[\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function attribute(value: string): string {
  return text(value).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}

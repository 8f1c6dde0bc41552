import type { CaseResult, Exchange, StepResult, SuiteResult } from '../results';
import { countOutcomes } from '../results';
import { exchangeSummary, requestText, responseText } from './exchange-text';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem; color: #1d2430; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; }
.meta { color: #5b6472; margin-bottom: 1rem; }
.counts span { display: inline-block; margin-right: 1rem; font-weight: 600; }
.passed { color: #17733a; } .failed { color: #b3261e; } .skipped { color: #8a6d00; }
details.case { border: 1px solid #d8dde5; border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
details.case > summary { cursor: pointer; }
.badge { display: inline-block; min-width: 4.2rem; font-weight: 700; }
.origin, .reason { color: #5b6472; margin: .3rem 0; }
table { border-collapse: collapse; margin: .4rem 0; }
td, th { border: 1px solid #d8dde5; padding: .2rem .5rem; text-align: left; vertical-align: top; }
pre { background: #f5f7fa; padding: .5rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; max-height: 30rem; }
.step { margin: .5rem 0 .5rem 1rem; }
`;

/** A self-contained HTML page (no script, no external resource) to attach to a ticket. */
export function htmlReport(result: SuiteResult): string {
  const counts = countOutcomes(result);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Conformance report — ${html(result.target)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Passerelle conformance suite</h1>
<div class="meta">Target ${html(result.target)} · started ${html(result.startedAt)} · ${(result.durationMs / 1000).toFixed(1)} s</div>
<div class="counts"><span>${result.cases.length} cases</span><span class="passed">${counts.passed} passed</span><span class="failed">${counts.failed} failed</span><span class="skipped">${counts.skipped} skipped</span></div>
${result.cases.map(caseSection).join('\n')}
</body>
</html>
`;
}

function caseSection(each: CaseResult): string {
  return `<details class="case"${each.outcome === 'failed' ? ' open' : ''}>
<summary><span class="badge ${each.outcome}">${each.outcome.toUpperCase()}</span> <strong>${html(each.id)}</strong> — ${html(each.title)}</summary>
<div class="origin">Origin: ${html(each.origin)}</div>
${each.description ? `<p>${html(each.description)}</p>` : ''}
${each.reason ? `<div class="reason">Skipped: ${html(each.reason)}</div>` : ''}
${each.steps.map(stepSection).join('\n')}
</details>`;
}

function stepSection(step: StepResult): string {
  return `<div class="step">
<div><span class="badge ${step.outcome}">${step.outcome.toUpperCase()}</span> step <strong>${html(step.id)}</strong> (${html(step.transaction)}) — ${html(step.title)}</div>
${step.mismatches.length > 0 ? mismatchTable(step) : ''}
${step.exchanges.map(exchangeSection).join('\n')}
</div>`;
}

function mismatchTable(step: StepResult): string {
  const rows = step.mismatches
    .map(
      (m) =>
        `<tr><td>${html(m.check)}</td><td>${html(m.expected)}</td><td class="failed">${html(m.actual)}</td></tr>`,
    )
    .join('');
  return `<table><tr><th>check</th><th>expected</th><th>actual</th></tr>${rows}</table>`;
}

function exchangeSection(exchange: Exchange): string {
  return `<details><summary>${html(exchangeSummary(exchange))}</summary>
<pre>${html(requestText(exchange.request))}</pre>
<pre>${exchange.response ? html(responseText(exchange.response)) : html(`(no answer: ${exchange.error ?? ''})`)}</pre>
</details>`;
}

function html(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

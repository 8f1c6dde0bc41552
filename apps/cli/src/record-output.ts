import type { PatientId } from '@passerelle/domain';
import { formatJson } from './cli-io';
import { authorityLabel } from './patient-arguments';
import type { RecordView } from './record-view';

export interface OpenOutcome {
  readonly view: RecordView;
  readonly created: boolean;
}

export function formatOpened(outcome: OpenOutcome, json: boolean): string {
  if (json) return formatJson({ created: outcome.created, ...outcome.view });
  const headline = outcome.created
    ? 'Record opened.'
    : 'A record already exists for this INS; left unchanged.';
  return `${headline}\n${describeRecord(outcome.view)}`;
}

/** `record status`: a missing record is not an error (exit 0, status "none"). */
export function formatStatus(
  view: RecordView | undefined,
  patientId: PatientId,
  json: boolean,
): string {
  if (json) return formatJson(view ?? { status: 'none' });
  if (!view) return `No record for INS ${describeIns(patientId.value, patientId.oid)}.\n`;
  return describeRecord(view);
}

function describeRecord(view: RecordView): string {
  const rows: [string, string | undefined][] = [
    ['INS', describeIns(view.ins, view.oid)],
    ['Status', view.status],
    ['Opened at', view.openedAt],
    ['Opened by', view.openedBy],
    ['Closed at', view.closedAt],
    ['Closure reason', view.closureReason],
    ['Opposable until', view.oppositionUntil],
    ['Purge due at', view.purgeDueAt],
    [
      'Suspended',
      view.suspension &&
        `${view.suspension.at} (${view.suspension.basis}: ${view.suspension.reference})`,
    ],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(16)}${value}\n`)
    .join('');
}

function describeIns(value: string, oid: string): string {
  return `${value} (${authorityLabel(oid)}, ${oid})`;
}

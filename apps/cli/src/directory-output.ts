import type { ImportSummary, Professional, RejectedLine } from '@passerelle/access-control';
import { formatJson } from './cli-io';

export function describeProgress({ linesRead, professionals, rejected }: ImportSummary): string {
  return `${linesRead} lines read: ${professionals} professionals, ${rejected} lines rejected`;
}

export function formatImport(
  file: string,
  summary: ImportSummary,
  firstRejected: readonly RejectedLine[],
  json: boolean,
): string {
  if (json) return formatJson({ file, ...summary, firstRejected });
  const imported = `Imported ${summary.professionals} professionals from ${file}`;
  if (summary.rejected === 0) return `${imported}.\n`;
  const listed =
    summary.rejected > firstRejected.length ? `the first ${firstRejected.length}` : 'all';
  return `${imported}; ${summary.rejected} lines rejected (${listed} listed on stderr).\n`;
}

export function formatSeeded(
  written: number,
  professionals: readonly Professional[],
  json: boolean,
): string {
  const idNats = professionals.map((professional) => professional.idNat);
  if (json) return formatJson({ seeded: written, idNats });
  return `Seeded ${written} test professionals: ${idNats.join(', ')}.\n`;
}

export function formatProfessional(professional: Professional, json: boolean): string {
  if (json) return formatJson(professional);
  const { idNat, family, given, professionCode, professionLabel } = professional;
  const rows: [string, string | undefined][] = [
    ['idNat', idNat],
    ['Name', `${given} ${family}`.trim()],
    ['Profession', labelled(professionCode, professionLabel)],
    ['Specialty', labelled(professional.specialtyCode, professional.specialtyLabel)],
    ...exerciseRows(professional),
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(12)}${value}\n`)
    .join('');
}

function exerciseRows({ exercises }: Professional): [string, string][] {
  if (exercises.length === 0) return [['Exercises', 'none']];
  return exercises.map((exercise, index) => {
    const details = [exercise.sectorCode, exercise.role].filter(Boolean).join(', ');
    const text = [exercise.structureId, exercise.structureName, details && `(${details})`];
    return [index === 0 ? 'Exercises' : '', text.filter(Boolean).join(' ')];
  });
}

function labelled(code: string | undefined, label: string | undefined): string | undefined {
  return code && (label ? `${code} ${label}` : code);
}

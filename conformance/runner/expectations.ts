import { createHash } from 'node:crypto';
import type { Mismatch } from './results';

/** Shared pieces of the FHIR and XDS checks. */

export function listOf<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

export function describeChoice(values: readonly unknown[]): string {
  const shown = values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(', ')}`;
}

/** Mismatch unless `actual` is one of `expected`. */
export function checkOneOf<T>(
  check: string,
  expected: T | readonly T[] | undefined,
  actual: T | undefined,
): Mismatch[] {
  if (expected === undefined) return [];
  const choices = listOf(expected);
  return actual !== undefined && choices.includes(actual)
    ? []
    : [
        {
          check,
          expected: describeChoice(choices),
          actual: actual === undefined ? '(none)' : String(actual),
        },
      ];
}

export function checkEqual(check: string, expected: unknown, actual: unknown): Mismatch[] {
  return JSON.stringify(expected) === JSON.stringify(actual)
    ? []
    : [
        {
          check,
          expected: JSON.stringify(expected),
          actual: actual === undefined ? '(none)' : JSON.stringify(actual),
        },
      ];
}

export function checkSameBytes(
  check: string,
  expected: Buffer,
  actual: Buffer | undefined,
): Mismatch[] {
  if (actual && expected.equals(actual)) return [];
  return [
    { check, expected: bytesSummary(expected), actual: actual ? bytesSummary(actual) : '(none)' },
  ];
}

function bytesSummary(bytes: Buffer): string {
  return `${bytes.length} bytes, SHA-1 ${createHash('sha1').update(bytes).digest('hex')}`;
}

/**
 * `anyOf`: passes when one alternative passes; otherwise every alternative's mismatches are
 * reported, each labelled with its alternative.
 */
export function checkAlternatives<E>(
  alternatives: readonly E[] | undefined,
  check: (alternative: E) => Mismatch[],
): Mismatch[] {
  if (!alternatives) return [];
  const results = alternatives.map(check);
  if (results.some((mismatches) => mismatches.length === 0)) return [];
  return results.flatMap((mismatches, index) =>
    mismatches.map((mismatch) => ({
      ...mismatch,
      check: `alternative ${index + 1}: ${mismatch.check}`,
    })),
  );
}

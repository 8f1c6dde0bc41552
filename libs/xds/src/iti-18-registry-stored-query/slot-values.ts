import { DomainError, excerpt } from '@passerelle/domain';

/** One value of an ITI-18 query slot: quoted ('…', a string) or not (a number, a time). */
export interface SlotValue {
  readonly text: string;
  readonly quoted: boolean;
}

/**
 * Reads a rim:Value of a stored query parameter (ITI TF-2a 3.18.4.1.2.3.5): a single value, or
 * a list `('a','b')`; strings in single quotes with `''` for a quote inside.
 */
export function parseSlotValue(name: string, raw: string): SlotValue[] {
  const text = raw.trim();
  if (text.startsWith('(')) {
    if (!text.endsWith(')')) throw malformed(name, raw);
    return splitList(name, text.slice(1, -1));
  }
  return [single(name, text)];
}

/** More values than any query needs, fewer than would hold the gateway's memory. */
const MAX_LIST_VALUES = 10_000;

function splitList(name: string, inner: string): SlotValue[] {
  const values: SlotValue[] = [];
  let i = 0;
  while (i < inner.length) {
    if (values.length === MAX_LIST_VALUES) {
      throw new DomainError(
        'MALFORMED_REQUEST',
        `${excerpt(name)}: more than ${MAX_LIST_VALUES} values in one list`,
      );
    }
    while (i < inner.length && /[\s,]/.test(inner[i])) i++;
    if (i >= inner.length) break;
    if (inner[i] === "'") {
      const { value, end } = readQuoted(name, inner, i);
      values.push({ text: value, quoted: true });
      i = end;
      continue;
    }
    const comma = inner.indexOf(',', i);
    const token = inner.slice(i, comma < 0 ? undefined : comma).trim();
    values.push({ text: token, quoted: false });
    i = comma < 0 ? inner.length : comma;
  }
  return values;
}

function single(name: string, text: string): SlotValue {
  if (!text.startsWith("'")) return { text, quoted: false };
  const { value, end } = readQuoted(name, text, 0);
  if (text.slice(end).trim() !== '') throw malformed(name, text);
  return { text: value, quoted: true };
}

/** The quoted string opening at `start`; copied in slices between quotes, never char by char. */
function readQuoted(name: string, text: string, start: number): { value: string; end: number } {
  const pieces: string[] = [];
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf("'", from);
    if (quote < 0) throw malformed(name, text);
    pieces.push(text.slice(from, quote));
    if (text[quote + 1] !== "'") return { value: pieces.join("'"), end: quote + 1 };
    from = quote + 2;
  }
}

function malformed(name: string, raw: string): DomainError {
  return new DomainError('MALFORMED_REQUEST', `${excerpt(name)}: malformed value ${excerpt(raw)}`);
}

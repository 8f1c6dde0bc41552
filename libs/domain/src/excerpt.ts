/** The most characters of an offending value an error message quotes. */
export const EXCERPT_LENGTH = 100;

/**
 * A value as an error message may quote it: whole when short, else its first characters and
 * its length, so that a huge value is never echoed back (nor copied) into an answer. A value of
 * unvalidated JSON may be of any kind: it is quoted as text.
 */
export function excerpt(value: unknown, length = EXCERPT_LENGTH): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= length) return text;
  const cut = isLowSurrogate(text.charCodeAt(length)) ? length - 1 : length;
  return `${text.slice(0, cut)}… (${text.length} characters)`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

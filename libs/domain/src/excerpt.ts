/** The most characters of an offending value an error message quotes. */
export const EXCERPT_LENGTH = 100;

/**
 * A value as an error message may quote it: whole when short, else its first characters and
 * its length, so that a huge value is never echoed back (nor copied) into an answer.
 */
export function excerpt(value: string, length = EXCERPT_LENGTH): string {
  if (value.length <= length) return value;
  const cut = isLowSurrogate(value.charCodeAt(length)) ? length - 1 : length;
  return `${value.slice(0, cut)}… (${value.length} characters)`;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

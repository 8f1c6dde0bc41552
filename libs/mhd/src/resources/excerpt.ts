/** The most characters of an offending value an error message quotes. */
export const EXCERPT_LENGTH = 100;

/**
 * A value as an error message may quote it: whole when short, else its first characters (never
 * half a surrogate pair) and its length, so that a huge value is never echoed into an answer.
 * The FHIR door's own until libs/domain holds one for both doors, with the same behaviour.
 */
export function excerpt(value: string, length = EXCERPT_LENGTH): string {
  if (value.length <= length) return value;
  const code = value.charCodeAt(length);
  const cut = code >= 0xdc00 && code <= 0xdfff ? length - 1 : length;
  return `${value.slice(0, cut)}… (${value.length} characters)`;
}

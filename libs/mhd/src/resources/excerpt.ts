/** The most of an offending value a message quotes: an answer never grows with its input. */
export const EXCERPT_LENGTH = 100;

/**
 * A value as a message quotes it: its first `max` characters, then `…` and how long it was.
 * (The door's own until libs/domain has one shared by both doors.)
 */
export function excerpt(value: unknown, max = EXCERPT_LENGTH): string {
  const text = typeof value === 'string' ? value : String(value);
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters)`;
}

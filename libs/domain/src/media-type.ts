/**
 * RFC 6838 §4.2 restricted names for type and subtype, then RFC 9110 §8.3.1 parameters
 * (`; name=token` or `; name="quoted string"`). Nothing else — no CR, LF or other control
 * character —, so that a media type can be written into a Content-Type header as it is.
 */
const RESTRICTED_NAME = '[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}';
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED_STRING = '"(?:[\\t \\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t \\x21-\\x7e])*"';
const PARAMETER = `[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED_STRING})`;
const MEDIA_TYPE = new RegExp(`^${RESTRICTED_NAME}/${RESTRICTED_NAME}(?:${PARAMETER})*$`);

/** Longer than any media type in use; checked before the syntax, so a huge value costs nothing. */
export const MAX_MEDIA_TYPE_LENGTH = 255;

/** A guard on any value, as unvalidated JSON may hold anything where a media type is due. */
export function isMediaType(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= MAX_MEDIA_TYPE_LENGTH && MEDIA_TYPE.test(value)
  );
}

/** What a stored media type may be written as: itself when valid, else opaque bytes. */
export function safeMediaType(value: string | undefined): string {
  return isMediaType(value) ? value : 'application/octet-stream';
}

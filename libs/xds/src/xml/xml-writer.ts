const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTRIBUTE_ESCAPES: Record<string, string> = {
  ...TEXT_ESCAPES,
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

export function escapeText(text: string): string {
  return /[&<>]/.test(text) ? text.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]) : text;
}

export function escapeAttribute(text: string): string {
  return /[&<>"\n\r\t]/.test(text)
    ? text.replace(/[&<>"\n\r\t]/g, (c) => ATTRIBUTE_ESCAPES[c])
    : text;
}

/**
 * An element as a string: attributes escaped here (undefined ones left out), content already
 * XML (escape text with escapeText). Empty content gives a self-closing tag.
 */
export function element(
  qualifiedName: string,
  attributes: Readonly<Record<string, string | undefined>>,
  content: string | readonly string[] = '',
): string {
  const open = openTag(qualifiedName, attributes);
  const inner = typeof content === 'string' ? content : content.join('');
  return inner === '' ? `${open}/>` : `${open}>${inner}</${qualifiedName}>`;
}

/** The start tag of `element` (`<name attributes>`), for content written after it. */
export function startTag(
  qualifiedName: string,
  attributes: Readonly<Record<string, string | undefined>>,
): string {
  return `${openTag(qualifiedName, attributes)}>`;
}

function openTag(
  qualifiedName: string,
  attributes: Readonly<Record<string, string | undefined>>,
): string {
  let open = `<${qualifiedName}`;
  for (const name in attributes) {
    const value = attributes[name];
    if (value !== undefined) open += ` ${name}="${escapeAttribute(value)}"`;
  }
  return open;
}

import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Rows of one table, each value as the multi-row INSERT would bind it. */
export interface TableRows {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Rows a COPY stream chunk: a few hundred kilobytes of text at a time. */
const ROWS_PER_CHUNK = 256;

/**
 * Writes the rows with COPY … FROM STDIN (text format) on `client`, in its transaction: the
 * table's constraints and unique indexes apply to each row as they do to an INSERT.
 */
export async function copyRows(
  client: PoolClient,
  { table, columns, rows }: TableRows,
): Promise<void> {
  if (rows.length === 0) return;
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(chunks(rows)), stream);
}

function* chunks(rows: readonly (readonly unknown[])[]): Generator<string> {
  for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
    let text = '';
    const end = Math.min(rows.length, start + ROWS_PER_CHUNK);
    for (let index = start; index < end; index++) text += copyLine(rows[index]);
    yield text;
  }
}

/** One row of COPY's text format: fields separated by tabs, `\N` for NULL, ended by a newline. */
export function copyLine(row: readonly unknown[]): string {
  let line = '';
  for (let index = 0; index < row.length; index++) {
    if (index > 0) line += '\t';
    line += copyField(row[index]);
  }
  return `${line}\n`;
}

/** A value as COPY's text format reads it: the text PostgreSQL would parse, escaped. */
export function copyField(value: unknown): string {
  if (typeof value === 'string') return escapeCopyText(value);
  if (value === null || value === undefined) return '\\N';
  // The backslash of bytea's hex format is itself escaped in COPY text.
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (isJsonValue(value)) return escapeJson(JSON.stringify(value));
  return escapeCopyText(literalOf(value));
}

function isJsonValue(value: unknown): value is object {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** JSON text holds no raw newline, return or tab (it escapes them): only `\` needs doubling. */
function escapeJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/** The text form of a value, as node-postgres sends a bind parameter. */
function literalOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** A PostgreSQL array literal: each element quoted, `"` and `\` escaped, NULL unquoted. */
function arrayLiteral(values: readonly unknown[]): string {
  const elements = values.map((element) => {
    if (element === null || element === undefined) return 'NULL';
    if (Array.isArray(element)) return arrayLiteral(element);
    if (Buffer.isBuffer(element)) return `"\\\\x${element.toString('hex')}"`;
    return `"${literalOf(element).replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${elements.join(',')}}`;
}

const COPY_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;

/** Most values need no escape: tested first, replaced only when they do. */
function escapeCopyText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPED, (character) => COPY_ESCAPES[character]);
}

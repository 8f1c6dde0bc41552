import {
  FHIR_TRANSACTIONS,
  PACKAGINGS,
  REGISTRY_OBJECT_KINDS,
  REGISTRY_STATUSES,
  REQUIREMENTS,
  STORED_QUERIES,
  XDS_TRANSACTIONS,
} from './case-definition';

/**
 * A small structural schema language, enough to reject a malformed or misspelt `case.json`
 * with the path of the problem (unknown keys are errors: a typo must not silently disable a
 * check).
 */
type Schema =
  | 'string'
  | 'integer'
  | 'boolean'
  | 'any'
  | { readonly enum: readonly string[] }
  | { readonly array: Schema }
  | { readonly record: Schema }
  | { readonly object: Readonly<Record<string, Schema>>; readonly required?: readonly string[] }
  | { readonly oneOf: readonly Schema[] }
  | { readonly lazy: () => Schema };

const strings: Schema = { array: 'string' };
const integers: Schema = { oneOf: ['integer', { array: 'integer' }] };

const fileSourceFields = {
  file: 'string',
  fragments: { record: 'string' },
  substitutions: { record: 'string' },
  replacements: {
    array: { object: { pattern: 'string', with: 'string' }, required: ['pattern', 'with'] },
  },
  jsonPatch: {
    array: {
      object: {
        op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
        path: 'string',
        value: 'any',
        from: 'string',
      },
      required: ['op', 'path'],
    },
  },
} satisfies Record<string, Schema>;

const fileSource: Schema = { object: fileSourceFields, required: ['file'] };
const source: Schema = {
  oneOf: [fileSource, { object: { json: 'any' }, required: ['json'] }],
};
const contentReference: Schema = { object: { file: 'string' }, required: ['file'] };

const fhirExpectation: Schema = {
  object: {
    status: integers,
    resourceType: 'string',
    issueCode: { oneOf: ['string', strings] },
    diagnostics: 'string',
    total: 'integer',
    values: { record: 'any' },
    contentType: 'string',
    sameContentAs: contentReference,
  },
};

const registryStatus: Schema = { enum: REGISTRY_STATUSES };
const xdsExpectation: Schema = {
  object: {
    httpStatus: integers,
    status: { oneOf: [registryStatus, { array: registryStatus }] },
    errorCodes: strings,
    soapFault: 'string',
    objects: {
      object: Object.fromEntries(REGISTRY_OBJECT_KINDS.map((kind) => [kind, 'integer'])),
    },
    documents: 'integer',
    sameContentAs: { array: contentReference },
    values: { record: 'string' },
    anyOf: { array: { lazy: () => xdsExpectation } },
  },
};

const stepCommon = {
  id: 'string',
  title: 'string',
  as: 'string',
  capture: { record: 'string' },
} satisfies Record<string, Schema>;

const fhirStep: Schema = {
  object: {
    ...stepCommon,
    transaction: { enum: FHIR_TRANSACTIONS },
    fhir: {
      object: {
        method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] },
        path: 'string',
        url: 'string',
        headers: { record: 'string' },
        body: source,
      },
      required: ['method'],
    },
    expect: fhirExpectation,
  },
  required: ['id', 'title', 'transaction', 'fhir', 'expect'],
};

const xdsStep: Schema = {
  object: {
    ...stepCommon,
    transaction: { enum: XDS_TRANSACTIONS },
    xds: {
      object: {
        message: {
          object: {
            ...fileSourceFields,
            nistTemplate: 'boolean',
            assignUuids: 'boolean',
            nationalCodes: 'boolean',
          },
          required: ['file'],
        },
        storedQuery: {
          object: {
            query: { enum: Object.keys(STORED_QUERIES) },
            returnType: { enum: ['LeafClass', 'ObjectRef'] },
            slots: { record: strings },
          },
          required: ['query', 'slots'],
        },
        retrieve: {
          array: {
            object: { repositoryUniqueId: 'string', documentUniqueId: 'string' },
            required: ['repositoryUniqueId', 'documentUniqueId'],
          },
        },
        documents: {
          array: {
            object: { id: 'string', file: 'string', mimeType: 'string' },
            required: ['id', 'file'],
          },
        },
        packaging: { enum: PACKAGINGS },
        contentType: 'string',
        boundary: 'string',
        rootContentId: 'string',
      },
    },
    expect: xdsExpectation,
  },
  required: ['id', 'title', 'transaction', 'xds', 'expect'],
};

const patientSpec: Schema = {
  oneOf: [
    { enum: ['open', 'unknown'] },
    {
      object: { record: { enum: ['open', 'unknown'] }, nir: 'string', oid: 'string' },
      required: ['record'],
    },
  ],
};

export const CASE_SCHEMA: Schema = {
  object: {
    title: 'string',
    description: 'string',
    origin: 'string',
    dependsOn: strings,
    requires: { array: { enum: REQUIREMENTS } },
    patients: { record: patientSpec },
    steps: { array: { oneOf: [xdsStep, fhirStep] } },
  },
  required: ['title', 'origin', 'steps'],
};

/** Every problem of `value` against `schema`, each prefixed by its JSON path. */
export function schemaErrors(value: unknown, schema: Schema, path = '$'): string[] {
  if (typeof schema === 'string') return scalarErrors(value, schema, path);
  if ('lazy' in schema) return schemaErrors(value, schema.lazy(), path);
  if ('enum' in schema) {
    return typeof value === 'string' && schema.enum.includes(value)
      ? []
      : [`${path}: expected one of ${schema.enum.join(', ')}, got ${JSON.stringify(value)}`];
  }
  if ('oneOf' in schema) {
    const attempts = schema.oneOf.map((candidate) => schemaErrors(value, candidate, path));
    if (attempts.some((errors) => errors.length === 0)) return [];
    return attempts.reduce((fewest, errors) => (errors.length < fewest.length ? errors : fewest));
  }
  if ('array' in schema) {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, index) => schemaErrors(item, schema.array, `${path}[${index}]`));
  }
  if (!isPlainObject(value)) return [`${path}: expected an object`];
  if ('record' in schema) {
    return Object.entries(value).flatMap(([key, item]) =>
      schemaErrors(item, schema.record, `${path}.${key}`),
    );
  }
  return objectErrors(value, schema, path);
}

function objectErrors(
  value: Record<string, unknown>,
  schema: {
    readonly object: Readonly<Record<string, Schema>>;
    readonly required?: readonly string[];
  },
  path: string,
): string[] {
  const missing = (schema.required ?? [])
    .filter((key) => value[key] === undefined)
    .map((key) => `${path}.${key}: required`);
  const fields = Object.entries(value).flatMap(([key, item]) => {
    const fieldSchema = schema.object[key];
    return fieldSchema
      ? schemaErrors(item, fieldSchema, `${path}.${key}`)
      : [`${path}.${key}: unknown key`];
  });
  return [...missing, ...fields];
}

function scalarErrors(
  value: unknown,
  kind: 'string' | 'integer' | 'boolean' | 'any',
  path: string,
) {
  const fits =
    kind === 'any' || (kind === 'integer' ? Number.isInteger(value) : typeof value === kind);
  return fits ? [] : [`${path}: expected ${kind}, got ${JSON.stringify(value)}`];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

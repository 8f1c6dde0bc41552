export type FhirKitClientModule = typeof import('fhir-kit-client');

// fhir-kit-client 2 is ESM-only and exports only an `import` condition, so require() cannot load it
// (not even Node 20.19's require(esm): ERR_PACKAGE_PATH_NOT_EXPORTED). TypeScript compiles
// `await import()` to require() under "module": "commonjs"; a Function body is left alone, so it
// keeps a real dynamic import. Its text is constant: nothing is evaluated from input.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const importModule = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

export function loadFhirKitClient(): Promise<FhirKitClientModule> {
  return importModule('fhir-kit-client') as Promise<FhirKitClientModule>;
}

#!/usr/bin/env node
import { runConformanceCli } from './cli';
import { loadFhirKitClient } from './fhir-exchange';

void runConformanceCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr },
  loadFhirKitClient,
).then((exitCode) => {
  process.exitCode = exitCode;
});

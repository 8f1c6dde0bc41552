#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli';
import { PROCESS_IO } from './cli-io';

/** Time left for a handle leaked by a failed connection (e.g. PGlite's socket) before exiting. */
const EXIT_GRACE_MS = 3000;

void runCli(process.argv, PROCESS_IO).then((exitCode) => {
  process.exitCode = exitCode;
  setTimeout(() => process.exit(exitCode), EXIT_GRACE_MS).unref();
});

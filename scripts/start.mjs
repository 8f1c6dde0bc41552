// `npm start`: build only when a source changed since the last build, then run the gateway.
import { createRequire } from 'node:module';
import { buildIfStale, gatewayMain } from './build-if-stale.mjs';

buildIfStale();
createRequire(import.meta.url)(gatewayMain);

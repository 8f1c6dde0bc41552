import { ConfigError } from '@passerelle/platform';
import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';

/**
 * The third-party SMART apps registered for patients (`SMART_APPS_FILE`): a JSON array of OAuth
 * client metadata (client_id, client_name, redirect_uris, and token_endpoint_auth_method
 * `none` for a public app — PKCE S256 is always required — or a client_secret).
 */
export function patientApps(file: string | undefined): ClientMetadata[] {
  if (!file) return [];
  let apps: unknown;
  try {
    apps = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`SMART_APPS_FILE ${file} is not readable JSON: ${String(error)}`);
  }
  const named = (app: unknown) =>
    typeof (app as { client_id?: unknown } | null)?.client_id === 'string';
  if (!Array.isArray(apps) || !apps.every(named)) {
    throw new ConfigError('SMART_APPS_FILE must hold a JSON array of clients with a client_id');
  }
  return apps as ClientMetadata[];
}

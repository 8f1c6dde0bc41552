import type { ClientMetadata } from 'oidc-provider';

export const PATIENT_CHANNEL_OPTIONS = Symbol('PatientChannelOptions');

export interface PatientChannelOptions {
  /** Signing keys and cookie secrets (generated on first start). */
  readonly secretsFile: string;
  /** Registered third-party SMART apps. */
  readonly apps: readonly ClientMetadata[];
  readonly accessTokenSeconds: number;
  /** The issuer when known in advance (PUBLIC_BASE_URL); else set once the port is known. */
  readonly issuer?: string;
}

/** The project's own portal (issue "patient portal"): a public client, PKCE, first party. */
export const PORTAL_CLIENT_ID = 'passerelle-portal';

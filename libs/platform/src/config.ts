import { resolve } from 'node:path';
import { SIGNATURE_POLICIES, type SignaturePolicy } from '@passerelle/domain';

export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type AssertionSha1Policy = 'refuse' | 'accept-and-audit';
export type ValueSetPolicySetting = 'strict' | 'warn';

/** The gateway's whole configuration, validated once at boot. Nothing else reads process.env. */
export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** The HL7v2 door (MLLP over mutual TLS); no listener when absent, 0 for a free port. */
  readonly mllpPort?: number;
  /**
   * What the HL7v2 door gives a document whose message cannot carry it (a PDF in OBX: no CDA
   * header): the feeding structure's facility type and practice setting, `system|code[|display]`.
   */
  readonly hl7v2: {
    readonly healthcareFacilityTypeCode?: ConfiguredCode;
    readonly practiceSettingCode?: ConfiguredCode;
  };
  /** PostgreSQL connection string; when absent, embedded PGlite under dataDir is used. */
  readonly databaseUrl?: string;
  readonly databasePoolSize: number;
  /**
   * `HEAP_GROWING_PERCENT`: how far V8 lets the JavaScript heap grow past what its last full
   * collection kept, in percent (0: V8's own factor, up to 4×, which let the garbage of a
   * concurrent ingest take the process from about 140 to 240–310 MB; 20 keeps it under 200 MB,
   * for more collections: +14 % CPU an ITI-65, +67 % an ITI-68 — hence not the default).
   */
  readonly heapGrowingPercent: number;
  readonly dataDir: string;
  readonly tls?: {
    readonly certPath: string;
    readonly keyPath: string;
    readonly trustedCaPath: string;
    readonly crlPaths: readonly string[];
  };
  /** `CRL_RELOAD_INTERVAL_MS`: CRL_FILES are read again this often, and whenever one changes. */
  readonly crlReloadIntervalMs: number;
  /**
   * OCSP status of client certificates (direct, forwarded, MLLP), asked once per new certificate
   * and cached; absent when neither `OCSP_RESPONDER_URL` nor `OCSP=aia` is set.
   */
  readonly ocsp?: OcspConfig;
  /**
   * `TRUSTED_PROXY_CERT`: the TLS-terminating proxy allowed to forward its client's certificate
   * (X-SSL-Client-Cert), named by its own client certificate: a PEM file or its SHA-256
   * fingerprint. From any other client the header is ignored.
   */
  readonly trustedProxyCert?: string;
  readonly logLevel: LogLevel;
  /**
   * `ASSERTION_SHA1`: what becomes of a SOAP access assertion signed with RSA-SHA1 or SHA-1
   * digests, as the DMP's own published assertions are. `refuse` (default) or
   * `accept-and-audit` (accepted; every audit record of the request says so).
   */
  readonly assertionSha1: AssertionSha1Policy;
  /**
   * `VALUE_SET_POLICY`: a submitted code outside its national (ANS) value set is refused
   * (`strict`, default) or accepted, logged and audited (`warn`).
   */
  readonly valueSetPolicy: ValueSetPolicySetting;
  /** OID of this repository (XDS repositoryUniqueId of every stored document). */
  readonly repositoryUniqueId: string;
  readonly maxRequestBytes: number;
  /** Largest MIME part (one document) of an MTOM request. */
  readonly maxPartBytes: number;
  /**
   * `SIGNATURE_POLICY`: whether submission sets carry an IHE DSG signature (XAdES, signer
   * chained to TRUSTED_CA). `verified-if-present` (default) checks those that do; `required`
   * also refuses an unsigned ITI-41 submission; `off` reads none.
   */
  readonly signaturePolicy: SignaturePolicy;
  /** Above this many objects an ITI-18 stored query answers XDSTooManyResults. */
  readonly maxQueryResults: number;
  /** Largest page a search returns (ITI-67 `_count` is capped to it). */
  readonly maxPageSize: number;
  /**
   * The gateway's public origin: every absolute URL it writes (FHIR links, Location, fullUrl,
   * attachment URLs, the OpenID issuer) starts with it, whatever Host a request names.
   */
  readonly publicBaseUrl?: string;
  /** What one client may hold: slow clients are cut, large bodies are read a few at a time. */
  readonly http: {
    /** Time to receive a request's headers (and to finish the TLS handshake). */
    readonly headersTimeoutMs: number;
    /** Time to receive a whole request, body included. */
    readonly requestTimeoutMs: number;
    /** How long an idle keep-alive connection stays open. */
    readonly keepAliveTimeoutMs: number;
    /** At most this many bodies larger than largeBodyBytes (or chunked) are read at once. */
    readonly maxConcurrentLargeBodies: number;
    readonly largeBodyBytes: number;
  };
  /** Replaces the default habilitation matrix (fixtures/access/habilitation-matrix.json). */
  readonly habilitationMatrixFile?: string;
  readonly notifications: {
    /**
     * `NOTIFY_CHANNEL`: `smtp` (needs NOTIFY_SMTP_URL), `file:<dir>` or `log`. Default: smtp when
     * NOTIFY_SMTP_URL is set, else `file:DATA_DIR/outbox` on the embedded default, else log.
     */
    readonly channel:
      | { readonly kind: 'smtp'; readonly smtpUrl: string; readonly mailFrom: string }
      | { readonly kind: 'file'; readonly directory: string }
      | { readonly kind: 'log' };
    readonly intervalMs: number;
  };
  /**
   * `KEK_FILE`: the key-encryption keys that wrap the patients' data keys. On the embedded
   * default DATA_DIR/keys/kek.json, generated on first start; with DATABASE_URL it must be given
   * and exist, the same file on every node.
   */
  readonly keyEncryption: { readonly kekFile: string; readonly createIfAbsent: boolean };
  /** How often each node runs the record lifecycle's time-based steps (opening, purge). */
  readonly lifecycleIntervalMs: number;
  /** The patient's channel (DESIGN §9): the gateway's OpenID Connect provider. */
  readonly patientChannel: {
    /** Signing keys and cookie secrets; generated under DATA_DIR/oidc on first start. */
    readonly secretsFile: string;
    /** Third-party SMART apps registered for patients (JSON array of client metadata). */
    readonly appsFile?: string;
    /** Lifetime of a patient access token, at most 15 minutes. */
    readonly accessTokenSeconds: number;
  };
}

/** A code set by configuration (structurally a domain Coded). */
export interface ConfiguredCode {
  readonly code: string;
  readonly codeSystem: string;
  readonly display?: string;
}

export interface OcspConfig {
  /** `OCSP_RESPONDER_URL`: the responder asked (when `aia`, for certificates without one). */
  readonly responderUrl?: string;
  /** `OCSP=aia`: the certificate's Authority Information Access OCSP URL is asked. */
  readonly aia: boolean;
  /** `OCSP_FAILURE`: no usable answer refuses (default) or lets the certificate in, audited. */
  readonly failure: 'refuse' | 'allow';
  readonly timeoutMs: number;
  /** `OCSP_CACHE_SECONDS`: a good answer is reused until its nextUpdate, at most this long. */
  readonly cacheSeconds: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

export function loadConfig(env: NodeJS.ProcessEnv): AppConfig {
  refuseRetired(env);
  const dataDir = resolve(env.DATA_DIR ?? './data');
  return {
    port: integer(env, 'PORT', 8443, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    mllpPort:
      nonEmpty(env.MLLP_PORT) === undefined ? undefined : integer(env, 'MLLP_PORT', 0, 0, 65535),
    hl7v2: {
      healthcareFacilityTypeCode: configuredCode(env, 'HL7V2_FACILITY_TYPE'),
      practiceSettingCode: configuredCode(env, 'HL7V2_PRACTICE_SETTING'),
    },
    databaseUrl: nonEmpty(env.DATABASE_URL),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    heapGrowingPercent: integer(env, 'HEAP_GROWING_PERCENT', 0, 0, 300),
    dataDir,
    tls: tlsConfig(env),
    crlReloadIntervalMs: integer(env, 'CRL_RELOAD_INTERVAL_MS', 300_000, 1000, 86_400_000),
    ocsp: ocspConfig(env),
    trustedProxyCert: nonEmpty(env.TRUSTED_PROXY_CERT),
    logLevel: logLevel(env.LOG_LEVEL),
    assertionSha1: assertionSha1(env.ASSERTION_SHA1),
    valueSetPolicy: valueSetPolicy(env.VALUE_SET_POLICY),
    repositoryUniqueId: oid(
      env.REPOSITORY_UNIQUE_ID ?? '1.2.250.1.999.1.1.1',
      'REPOSITORY_UNIQUE_ID',
    ),
    maxRequestBytes: integer(env, 'MAX_REQUEST_BYTES', 64 * 1024 * 1024, 1024, 2 ** 31),
    maxPartBytes: integer(env, 'MAX_PART_BYTES', 32 * 1024 * 1024, 1024, 2 ** 31),
    signaturePolicy: signaturePolicy(env.SIGNATURE_POLICY),
    maxQueryResults: integer(env, 'XDS_MAX_QUERY_RESULTS', 5000, 1, 1_000_000),
    maxPageSize: integer(env, 'MAX_PAGE_SIZE', 500, 1, 10000),
    publicBaseUrl: publicBaseUrl(env.PUBLIC_BASE_URL),
    http: httpLimits(env),
    habilitationMatrixFile: nonEmpty(env.HABILITATION_MATRIX_FILE),
    keyEncryption: keyEncryption(env, dataDir),
    lifecycleIntervalMs: integer(env, 'LIFECYCLE_INTERVAL_MS', 3_600_000, 1000, 86_400_000),
    notifications: {
      channel: notificationChannel(env, dataDir),
      intervalMs: integer(env, 'NOTIFY_INTERVAL_MS', 5000, 50, 3_600_000),
    },
    patientChannel: {
      secretsFile: resolve(nonEmpty(env.OIDC_SECRETS_FILE) ?? `${dataDir}/oidc/secrets.json`),
      appsFile: nonEmpty(env.SMART_APPS_FILE),
      accessTokenSeconds: integer(env, 'PATIENT_TOKEN_SECONDS', 900, 30, 900),
    },
  };
}

function httpLimits(env: NodeJS.ProcessEnv): AppConfig['http'] {
  const limits = {
    headersTimeoutMs: integer(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 600_000),
    requestTimeoutMs: integer(env, 'HTTP_REQUEST_TIMEOUT_MS', 120_000, 100, 3_600_000),
    keepAliveTimeoutMs: integer(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
    maxConcurrentLargeBodies: integer(env, 'MAX_LARGE_BODIES', 4, 1, 1000),
    largeBodyBytes: integer(env, 'LARGE_BODY_BYTES', 1024 * 1024, 1024, 2 ** 31),
  };
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) {
    throw new ConfigError('HTTP_HEADERS_TIMEOUT_MS may not exceed HTTP_REQUEST_TIMEOUT_MS');
  }
  return limits;
}

/** An origin only (https://host[:port]): a path or query would be written into every URL. */
function publicBaseUrl(raw: string | undefined): string | undefined {
  const value = nonEmpty(raw)?.replace(/\/+$/, '');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIC_BASE_URL must be an absolute URL, got "${value}"`);
  }
  if (!['https:', 'http:'].includes(url.protocol) || url.search || url.hash || url.username) {
    throw new ConfigError(`PUBLIC_BASE_URL must be https://host[:port][/path], got "${value}"`);
  }
  return value;
}

function notificationChannel(
  env: NodeJS.ProcessEnv,
  dataDir: string,
): AppConfig['notifications']['channel'] {
  const smtpUrl = nonEmpty(env.NOTIFY_SMTP_URL);
  const mailFrom = nonEmpty(env.NOTIFY_FROM) ?? 'Passerelle <no-reply@passerelle.invalid>';
  const setting = nonEmpty(env.NOTIFY_CHANNEL);
  if (setting === undefined) {
    if (smtpUrl) return { kind: 'smtp', smtpUrl, mailFrom };
    return nonEmpty(env.DATABASE_URL)
      ? { kind: 'log' }
      : { kind: 'file', directory: resolve(dataDir, 'outbox') };
  }
  if (setting === 'log') return { kind: 'log' };
  if (setting === 'smtp') {
    if (!smtpUrl) throw new ConfigError('NOTIFY_CHANNEL=smtp needs NOTIFY_SMTP_URL');
    return { kind: 'smtp', smtpUrl, mailFrom };
  }
  if (setting.startsWith('file:') && setting.length > 'file:'.length) {
    return { kind: 'file', directory: resolve(setting.slice('file:'.length)) };
  }
  throw new ConfigError(`NOTIFY_CHANNEL must be smtp, log or file:<dir>, got "${setting}"`);
}

/**
 * A key file generated beside a PostgreSQL database could be lost with an ephemeral DATA_DIR,
 * and the content encrypted under it with it: on PostgreSQL the operator provides the file.
 */
function keyEncryption(env: NodeJS.ProcessEnv, dataDir: string): AppConfig['keyEncryption'] {
  const kekFile = nonEmpty(env.KEK_FILE);
  if (kekFile) return { kekFile: resolve(kekFile), createIfAbsent: false };
  if (nonEmpty(env.DATABASE_URL)) {
    throw new ConfigError(
      'DATABASE_URL needs KEK_FILE, the key-encryption key file shared by every node ' +
        '(create it once with `passerelle keys init <file>`)',
    );
  }
  return { kekFile: resolve(dataDir, 'keys', 'kek.json'), createIfAbsent: true };
}

/** Settings that no longer exist are refused rather than ignored: the operator must know. */
function refuseRetired(env: NodeJS.ProcessEnv): void {
  if (nonEmpty(env.PATIENT_CHANNEL_STRUCTURES)) {
    throw new ConfigError(
      'PATIENT_CHANNEL_STRUCTURES is no longer supported: no certificate acts as the patient; ' +
        "patients act through the gateway's own login (patient tokens)",
    );
  }
}

function tlsConfig(env: NodeJS.ProcessEnv): AppConfig['tls'] {
  const certPath = nonEmpty(env.TLS_CERT);
  const keyPath = nonEmpty(env.TLS_KEY);
  const trustedCaPath = nonEmpty(env.TRUSTED_CA);
  const given = [certPath, keyPath, trustedCaPath].filter(Boolean).length;
  if (given === 0) return undefined;
  if (!certPath || !keyPath || !trustedCaPath) {
    throw new ConfigError('TLS_CERT, TLS_KEY and TRUSTED_CA must be set together');
  }
  const crlPaths = list(env.CRL_FILES);
  return { certPath, keyPath, trustedCaPath, crlPaths };
}

function integer(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function signaturePolicy(raw: string | undefined): SignaturePolicy {
  const value = nonEmpty(raw) ?? 'verified-if-present';
  const policy = SIGNATURE_POLICIES.find((known) => known === value);
  if (!policy) {
    throw new ConfigError(
      `SIGNATURE_POLICY must be one of ${SIGNATURE_POLICIES.join(', ')}, got "${value}"`,
    );
  }
  return policy;
}

function logLevel(raw: string | undefined): LogLevel {
  const value = nonEmpty(raw) ?? 'log';
  if (!LOG_LEVELS.includes(value as LogLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${value}"`);
  }
  return value as LogLevel;
}

function ocspConfig(env: NodeJS.ProcessEnv): OcspConfig | undefined {
  const responderUrl = nonEmpty(env.OCSP_RESPONDER_URL);
  const mode = nonEmpty(env.OCSP);
  if (mode !== undefined && mode !== 'aia') {
    throw new ConfigError(`OCSP must be aia (or unset), got "${mode}"`);
  }
  const failure = nonEmpty(env.OCSP_FAILURE) ?? 'refuse';
  if (failure !== 'refuse' && failure !== 'allow') {
    throw new ConfigError(`OCSP_FAILURE must be refuse or allow, got "${failure}"`);
  }
  if (responderUrl === undefined && mode !== 'aia') return undefined;
  if (responderUrl !== undefined && !/^https?:\/\/[^/\s]+/i.test(responderUrl)) {
    throw new ConfigError(`OCSP_RESPONDER_URL must be an http(s) URL, got "${responderUrl}"`);
  }
  return {
    responderUrl,
    aia: mode === 'aia',
    failure,
    timeoutMs: integer(env, 'OCSP_TIMEOUT_MS', 3000, 100, 60_000),
    cacheSeconds: integer(env, 'OCSP_CACHE_SECONDS', 3600, 1, 604_800),
  };
}

function assertionSha1(raw: string | undefined): AssertionSha1Policy {
  const value = nonEmpty(raw) ?? 'refuse';
  if (value !== 'refuse' && value !== 'accept-and-audit') {
    throw new ConfigError(`ASSERTION_SHA1 must be refuse or accept-and-audit, got "${value}"`);
  }
  return value;
}

function valueSetPolicy(raw: string | undefined): ValueSetPolicySetting {
  const value = nonEmpty(raw) ?? 'strict';
  if (value !== 'strict' && value !== 'warn') {
    throw new ConfigError(`VALUE_SET_POLICY must be strict or warn, got "${value}"`);
  }
  return value;
}

function oid(value: string, name: string): string {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(value)) {
    throw new ConfigError(`${name} must be an OID, got "${value}"`);
  }
  return value;
}

/** `system|code[|display]`, the system an OID (as the codes of the national tables are). */
function configuredCode(env: NodeJS.ProcessEnv, name: string): ConfiguredCode | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  const [codeSystem, code, display, ...rest] = raw.split('|').map((part) => part.trim());
  if (!code || rest.length > 0 || display === '') {
    throw new ConfigError(`${name} must be system|code or system|code|display, got "${raw}"`);
  }
  return { codeSystem: oid(codeSystem, `${name}'s system`), code, ...(display ? { display } : {}) };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('configuration of the notification channel and the patient channel', () => {
  it('writes files under DATA_DIR/outbox on the embedded default, logs with PostgreSQL', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/d' }).notifications.channel).toEqual({
      kind: 'file',
      directory: resolve('/tmp/d/outbox'),
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://x/y', KEK_FILE: '/run/kek.json' }).notifications
        .channel,
    ).toEqual({ kind: 'log' });
  });

  it('e-mails when NOTIFY_SMTP_URL is set, and takes NOTIFY_CHANNEL over the default', () => {
    expect(loadConfig({ NOTIFY_SMTP_URL: 'smtp://mail:25' }).notifications.channel).toMatchObject({
      kind: 'smtp',
      smtpUrl: 'smtp://mail:25',
    });
    expect(
      loadConfig({ NOTIFY_SMTP_URL: 'smtp://mail:25', NOTIFY_CHANNEL: 'file:/tmp/o' }).notifications
        .channel,
    ).toEqual({ kind: 'file', directory: resolve('/tmp/o') });
  });

  it.each([
    [{ NOTIFY_CHANNEL: 'smtp' }, /NOTIFY_SMTP_URL/],
    [{ NOTIFY_CHANNEL: 'file:' }, /smtp, log or file:<dir>/],
    [{ NOTIFY_CHANNEL: 'sms' }, /smtp, log or file:<dir>/],
    [
      { PATIENT_TOKEN_SECONDS: '3600' },
      /PATIENT_TOKEN_SECONDS must be an integer between 30 and 900/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('keeps the secrets under DATA_DIR/oidc unless OIDC_SECRETS_FILE says otherwise', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/d' }).patientChannel).toEqual({
      secretsFile: resolve('/tmp/d/oidc/secrets.json'),
      appsFile: undefined,
      accessTokenSeconds: 900,
    });
    expect(loadConfig({ OIDC_SECRETS_FILE: '/run/s.json' }).patientChannel.secretsFile).toBe(
      '/run/s.json',
    );
  });

  it('generates the key-encryption keys under DATA_DIR/keys on the embedded default only', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/d' }).keyEncryption).toEqual({
      kekFile: resolve('/tmp/d/keys/kek.json'),
      createIfAbsent: true,
    });
    expect(loadConfig({ DATA_DIR: '/tmp/d', KEK_FILE: 'k.json' }).keyEncryption).toEqual({
      kekFile: resolve('k.json'),
      createIfAbsent: false,
    });
    expect(
      loadConfig({ DATABASE_URL: 'postgres://x/y', KEK_FILE: '/run/kek.json' }).keyEncryption,
    ).toEqual({ kekFile: '/run/kek.json', createIfAbsent: false });
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x/y' })).toThrow(/needs KEK_FILE/);
  });
});

describe('configuration of the HTTP limits and the public origin', () => {
  it('cuts slow clients and bounds large bodies by default', () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
      keepAliveTimeoutMs: 5_000,
      maxConcurrentLargeBodies: 4,
      largeBodyBytes: 1024 * 1024,
    });
  });

  it('bounds the heap growth to 20 % by default, 0 leaving it to V8, and refuses other values', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '20' }).heapGrowingPercent).toBe(20);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '301' })).toThrow(ConfigError);
    expect(() => loadConfig({ HEAP_GROWING_PERCENT: '-5' })).toThrow(ConfigError);
  });

  it('refuses a headers timeout longer than the request timeout', () => {
    expect(() =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(/may not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });

  it('takes PUBLIC_BASE_URL without its trailing slash, and refuses what is not an origin', () => {
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://dmp.example.fr/' }).publicBaseUrl).toBe(
      'https://dmp.example.fr',
    );
    for (const wrong of ['dmp.example.fr', 'ftp://dmp.example.fr', 'https://dmp.example.fr/?x=1']) {
      expect(() => loadConfig({ PUBLIC_BASE_URL: wrong })).toThrow(ConfigError);
    }
  });
});

describe('configuration of the HL7v2 door', () => {
  it("reads the feeding structure's facility type and practice setting as system|code[|display]", () => {
    expect(loadConfig({}).hl7v2).toEqual({});
    const { hl7v2 } = loadConfig({
      HL7V2_FACILITY_TYPE: '1.2.250.1.71.4.2.4|SA07|Cabinet de biologie',
      HL7V2_PRACTICE_SETTING: '1.2.250.1.213.1.1.4.9|AMBULATOIRE',
    });
    expect(hl7v2).toEqual({
      healthcareFacilityTypeCode: {
        codeSystem: '1.2.250.1.71.4.2.4',
        code: 'SA07',
        display: 'Cabinet de biologie',
      },
      practiceSettingCode: { codeSystem: '1.2.250.1.213.1.1.4.9', code: 'AMBULATOIRE' },
    });
  });

  it('refuses a code without its system, or a system that is not an OID', () => {
    for (const wrong of ['SA07', 'TRE_R02|SA07', '1.2.250.1.71.4.2.4|SA07|', '1.2|a|b|c']) {
      expect(() => loadConfig({ HL7V2_PRACTICE_SETTING: wrong })).toThrow(ConfigError);
    }
  });
});

describe('configuration of the submission set signatures', () => {
  it('verifies the signatures present by default, and takes SIGNATURE_POLICY', () => {
    expect(loadConfig({}).signaturePolicy).toBe('verified-if-present');
    expect(loadConfig({ SIGNATURE_POLICY: 'required' }).signaturePolicy).toBe('required');
    expect(loadConfig({ SIGNATURE_POLICY: 'off' }).signaturePolicy).toBe('off');
  });

  it('refuses a policy it does not know', () => {
    expect(() => loadConfig({ SIGNATURE_POLICY: 'maybe' })).toThrow(
      /SIGNATURE_POLICY must be one of required, verified-if-present, off, got "maybe"/,
    );
  });
});

describe('configuration of the national value sets', () => {
  it('is strict by default, warns when told, and refuses any other VALUE_SET_POLICY', () => {
    expect(loadConfig({}).valueSetPolicy).toBe('strict');
    expect(loadConfig({ VALUE_SET_POLICY: 'warn' }).valueSetPolicy).toBe('warn');
    expect(() => loadConfig({ VALUE_SET_POLICY: 'lenient' })).toThrow(
      'VALUE_SET_POLICY must be strict or warn, got "lenient"',
    );
  });
});

describe('configuration of OCSP', () => {
  it('is off unless OCSP_RESPONDER_URL or OCSP=aia is set, and fails closed by default', () => {
    expect(loadConfig({}).ocsp).toBeUndefined();
    expect(loadConfig({ OCSP_FAILURE: 'allow' }).ocsp).toBeUndefined();
    expect(loadConfig({ OCSP_RESPONDER_URL: 'http://ocsp.test:8080/' }).ocsp).toEqual({
      responderUrl: 'http://ocsp.test:8080/',
      aia: false,
      failure: 'refuse',
      timeoutMs: 3000,
      cacheSeconds: 3600,
    });
    expect(
      loadConfig({ OCSP: 'aia', OCSP_FAILURE: 'allow', OCSP_TIMEOUT_MS: '500' }).ocsp,
    ).toMatchObject({ responderUrl: undefined, aia: true, failure: 'allow', timeoutMs: 500 });
  });

  it.each([
    [{ OCSP: 'yes' }, 'OCSP must be aia (or unset), got "yes"'],
    [{ OCSP: 'aia', OCSP_FAILURE: 'ignore' }, 'OCSP_FAILURE must be refuse or allow, got "ignore"'],
    [{ OCSP_RESPONDER_URL: 'ldap://x' }, 'OCSP_RESPONDER_URL must be an http(s) URL'],
    [{ OCSP: 'aia', OCSP_CACHE_SECONDS: '0' }, /OCSP_CACHE_SECONDS must be an integer/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

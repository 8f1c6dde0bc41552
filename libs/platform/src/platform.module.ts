import { DynamicModule, Global, Module } from '@nestjs/common';
import {
  ASSERTION_SHA1_POLICY,
  AssertionVerifier,
  SamlAssertionVerifier,
  TRUSTED_CERTIFICATES,
} from './assertion';
import { TRUSTED_CRLS } from './assertion/revocation';
import { ClientCertificateGuard } from './client-certificate.guard';
import type { AppConfig } from './config';
import {
  ClientCertificates,
  TRUSTED_PROXY_FINGERPRINT,
  trustedProxyFingerprint,
} from './forwarded-client-certificate';
import { OCSP_CHECKER, OcspChecker } from './ocsp';
import { trustedCertificates, trustedCrls } from './tls';

/**
 * What ClientCertificateGuard needs, wherever a module uses it: the trusted CA certificates and
 * the access-assertion verifiers (JWS for FHIR, SAML for SOAP), whose signers are also checked
 * against the CRLs. Global, so feature modules need not import it.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: TRUSTED_CERTIFICATES, useFactory: () => trustedCertificates(config) },
        { provide: TRUSTED_CRLS, useFactory: () => trustedCrls(config) },
        {
          provide: OCSP_CHECKER,
          useFactory: () => (config.ocsp ? new OcspChecker(config.ocsp) : undefined),
        },
        { provide: ASSERTION_SHA1_POLICY, useValue: config.assertionSha1 },
        {
          provide: TRUSTED_PROXY_FINGERPRINT,
          useFactory: () => trustedProxyFingerprint(config.trustedProxyCert),
        },
        ClientCertificates,
        AssertionVerifier,
        SamlAssertionVerifier,
        ClientCertificateGuard,
      ],
      exports: [
        TRUSTED_CERTIFICATES,
        TRUSTED_CRLS,
        AssertionVerifier,
        SamlAssertionVerifier,
        ClientCertificates,
        ClientCertificateGuard,
      ],
    };
  }
}

import { DynamicModule, Global, Module } from '@nestjs/common';
import { AssertionVerifier, SamlAssertionVerifier, TRUSTED_CERTIFICATES } from './assertion';
import type { AppConfig } from './config';
import { trustedCertificates } from './tls';

/**
 * What ClientCertificateGuard needs, wherever a module uses it: the trusted CA certificates and
 * the access-assertion verifiers (JWS for FHIR, SAML for SOAP). Global, so feature modules need not import it.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: TRUSTED_CERTIFICATES, useFactory: () => trustedCertificates(config) },
        AssertionVerifier,
        SamlAssertionVerifier,
      ],
      exports: [TRUSTED_CERTIFICATES, AssertionVerifier, SamlAssertionVerifier],
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { DomainError, PatientPrincipal } from '@passerelle/domain';
import type { PatientTokenVerifier, ScopedRequest } from '@passerelle/platform';
import { JWTPayload, createLocalJWKSet, jwtVerify } from 'jose';
import { PatientTokenClaims, fhirBaseOf } from '../oidc/provider-configuration';
import { publicJwks, type ChannelSecrets } from '../oidc/secrets';
import { scopesPermit } from '../oidc/smart-scopes';
import { OIDC_STORE, OidcStore, PATIENT_ACCOUNT_STORE, PatientAccountStore } from '../ports';

type AccessTokenClaims = JWTPayload &
  Partial<PatientTokenClaims> & {
    readonly client_id?: string;
    readonly scope?: string;
  };

const refused = (why: string) =>
  new DomainError('UNAUTHENTICATED', `The patient token is not valid: ${why}`);

/**
 * Checks a patient token on `/fhir` as its resource server: signed by our provider (ES256),
 * for this FHIR base, unexpired, its grant not revoked (logout), its account still bound to the
 * record it names, and its scopes covering the request.
 */
@Injectable()
export class JwtPatientTokenVerifier implements PatientTokenVerifier {
  private issuer?: string;
  private keys?: ReturnType<typeof createLocalJWKSet>;

  constructor(
    @Inject(OIDC_STORE) private readonly store: OidcStore,
    @Inject(PATIENT_ACCOUNT_STORE) private readonly accounts: PatientAccountStore,
  ) {}

  configure(issuer: string, secrets: ChannelSecrets): void {
    this.issuer = issuer;
    this.keys = createLocalJWKSet(publicJwks(secrets) as Parameters<typeof createLocalJWKSet>[0]);
  }

  async verify(token: string, request: ScopedRequest): Promise<PatientPrincipal> {
    if (!this.issuer || !this.keys) throw refused('the patient channel is not started');
    const claims = await this.claimsOf(token, this.issuer, this.keys);
    const grant = claims.grant && (await this.store.find('Grant', claims.grant));
    if (!grant) throw refused('it was revoked');
    const account = claims.sub ? await this.accounts.findById(claims.sub) : undefined;
    if (!account?.enrolledAt || account.role !== claims.role) throw refused('unknown account');
    const scopes = (claims.scope ?? '').split(' ');
    if (request.path !== 'metadata' && !scopesPermit(scopes, request.method, request.path)) {
      throw new DomainError('FORBIDDEN', "The app's scopes do not cover this request");
    }
    return {
      kind: 'PATIENT',
      role: account.role,
      subjectId: account.id,
      patientKey: account.patientKey,
      name: account.displayName,
      purposeOfUse: 'normal',
      token: {
        id: claims.jti ?? '',
        clientId: claims.client_id ?? '',
        grantId: claims.grant,
        expiresAt: new Date((claims.exp ?? 0) * 1000),
      },
    };
  }

  private async claimsOf(
    token: string,
    issuer: string,
    keys: ReturnType<typeof createLocalJWKSet>,
  ): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience: fhirBaseOf(issuer),
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      return payload;
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw refused(
        code === 'ERR_JWT_EXPIRED' ? 'it has expired' : 'signature, issuer or audience',
      );
    }
  }
}

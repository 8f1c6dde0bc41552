import { DynamicModule, Global, Module } from '@nestjs/common';
import { PATIENT_INVITATIONS } from '@passerelle/record-management';
import { PATIENT_TOKEN_VERIFIER } from '@passerelle/platform';
import { ChannelSecurity } from './accounts/channel-security';
import { CodeHasher } from './accounts/codes';
import { AccountInvitations } from './enrolment/account-invitations';
import { EnrolAccount } from './enrolment/enrol-account';
import { InteractionController } from './login/interaction.controller';
import { PatientLogin } from './login/patient-login';
import { ChannelSecrets, loadChannelSecrets } from './oidc/secrets';
import { ExpiredStatePurge } from './oidc/expired-state-purge';
import { PatientChannel } from './patient-channel';
import { PATIENT_CHANNEL_OPTIONS, PatientChannelOptions } from './patient-channel-options';
import { JwtPatientTokenVerifier } from './token/patient-token-verifier';

/**
 * The patient's channel (DESIGN §9): the OpenID Connect provider, the login and enrolment
 * pages, the verification of patient tokens on /fhir and the invitations sent when a record is
 * opened. Its storage ports come from the persistence module.
 */
@Global()
@Module({})
export class PatientChannelModule {
  static forRoot(options: PatientChannelOptions): DynamicModule {
    return {
      module: PatientChannelModule,
      controllers: [InteractionController],
      providers: [
        { provide: PATIENT_CHANNEL_OPTIONS, useValue: options },
        { provide: ChannelSecrets, useFactory: () => loadChannelSecrets(options.secretsFile) },
        {
          provide: CodeHasher,
          useFactory: (secrets: ChannelSecrets) =>
            new CodeHasher(Buffer.from(secrets.codeKey, 'base64url')),
          inject: [ChannelSecrets],
        },
        ChannelSecurity,
        PatientLogin,
        EnrolAccount,
        AccountInvitations,
        { provide: PATIENT_INVITATIONS, useExisting: AccountInvitations },
        JwtPatientTokenVerifier,
        { provide: PATIENT_TOKEN_VERIFIER, useExisting: JwtPatientTokenVerifier },
        PatientChannel,
        ExpiredStatePurge,
      ],
      exports: [PATIENT_TOKEN_VERIFIER, PATIENT_INVITATIONS, PatientChannel, ExpiredStatePurge],
    };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Invitation, PatientInvitations } from '@passerelle/record-management';
import { randomUUID } from 'node:crypto';
import { CodeHasher, activationCode } from '../accounts/codes';
import { ChannelSecurity } from '../accounts/channel-security';
import { PATIENT_ACCOUNT_STORE, PatientAccount, PatientAccountStore } from '../ports';

const ACTIVATION_VALIDITY_MS = 30 * 24 * 3600_000;

/**
 * When a record is opened: an account for the patient (username: his INS or his e-mail) and one
 * for each legal representative (username: the e-mail), each sent its activation code.
 */
@Injectable()
export class AccountInvitations implements PatientInvitations {
  private readonly logger = new Logger('AccountInvitations');

  constructor(
    @Inject(PATIENT_ACCOUNT_STORE) private readonly accounts: PatientAccountStore,
    private readonly security: ChannelSecurity,
    private readonly codes: CodeHasher,
  ) {}

  async invite(invitation: Invitation): Promise<void> {
    const now = new Date();
    const holders: PatientAccount[] = [
      ...(invitation.patientEmail
        ? [
            this.account(
              invitation,
              'PATIENT',
              invitation.patientEmail,
              invitation.patientName,
              now,
            ),
          ]
        : []),
      ...invitation.representatives.map((representative) =>
        this.account(
          invitation,
          'REPRESENTANT_LEGAL',
          representative.email,
          representative.name,
          now,
        ),
      ),
    ];
    for (const holder of holders) await this.sendActivation(holder, now);
  }

  private account(
    invitation: Invitation,
    role: PatientAccount['role'],
    email: string,
    displayName: string,
    now: Date,
  ): PatientAccount {
    return {
      id: randomUUID(),
      patientKey: invitation.patientKey,
      role,
      insValue: role === 'PATIENT' ? invitation.insValue : undefined,
      email: email.trim().toLowerCase(),
      displayName: displayName || email,
      activationExpiresAt: new Date(now.getTime() + ACTIVATION_VALIDITY_MS),
    };
  }

  private async sendActivation(holder: PatientAccount, now: Date): Promise<void> {
    const stored = await this.accounts.createIfAbsent(holder);
    if (stored.patientKey !== holder.patientKey || stored.enrolledAt) {
      this.logger.warn('An account already exists for this address: no activation code sent');
      return;
    }
    const code = activationCode();
    await this.accounts.setActivation(
      stored.id,
      this.codes.hash(code),
      holder.activationExpiresAt!,
    );
    await this.security.sendCode(
      stored.id,
      { patientKey: stored.patientKey, recipient: stored.email!, kind: 'activation-code' },
      code,
      '30 jours',
      now,
    );
  }
}

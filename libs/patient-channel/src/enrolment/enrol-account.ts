import { Inject, Injectable } from '@nestjs/common';
import { CodeHasher } from '../accounts/codes';
import { ChannelRefusal, ChannelSecurity } from '../accounts/channel-security';
import { hashPassword, passwordWeakness } from '../accounts/password-hashing';
import { normalisedUsername } from '../login/patient-login';
import { PATIENT_ACCOUNT_STORE, PatientAccountStore } from '../ports';

export interface EnrolmentForm {
  readonly username: string;
  readonly activationCode: string;
  readonly password: string;
  readonly passwordConfirm: string;
}

/**
 * Activates an account with the code sent when the record was opened, and sets its password.
 * Wrong codes count against the username like wrong passwords (the code is short).
 */
@Injectable()
export class EnrolAccount {
  constructor(
    @Inject(PATIENT_ACCOUNT_STORE) private readonly accounts: PatientAccountStore,
    private readonly security: ChannelSecurity,
    private readonly codes: CodeHasher,
  ) {}

  async enrol(form: EnrolmentForm, address: string, now = new Date()): Promise<void> {
    const username = normalisedUsername(form.username);
    if (!username || !form.activationCode) {
      throw new ChannelRefusal('Saisissez votre identifiant et votre code d’activation.', 400);
    }
    if (form.password !== form.passwordConfirm) {
      throw new ChannelRefusal('Les deux mots de passe ne sont pas identiques.', 400);
    }
    const weakness = passwordWeakness(form.password, username);
    if (weakness) throw new ChannelRefusal(weakness, 400);
    await this.security.refuseIfLocked(username, address, now);
    const account = await this.accounts.findByUsername(username);
    const valid =
      account?.activationHash !== undefined &&
      account.activationExpiresAt !== undefined &&
      account.activationExpiresAt > now &&
      this.codes.matches(form.activationCode, account.activationHash);
    if (!account || !valid) {
      await this.security.audit(
        'patient-enrolment',
        account?.patientKey,
        { allowed: false, reason: 'ACTIVATION_REFUSED' },
        401,
      );
      await this.security.failed(username, address, now);
      throw new ChannelRefusal('Identifiant ou code d’activation incorrect, ou code expiré.', 401);
    }
    await this.accounts.enrol(account.id, await hashPassword(form.password), now);
    await this.security.succeeded(username);
    await this.security.audit('patient-enrolment', account.patientKey, { allowed: true }, 200);
  }
}

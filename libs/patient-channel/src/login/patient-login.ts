import { Inject, Injectable } from '@nestjs/common';
import { CodeHasher, oneTimeCode } from '../accounts/codes';
import { ChannelRefusal, ChannelSecurity } from '../accounts/channel-security';
import { decoyHash, verifyPassword } from '../accounts/password-hashing';
import { PATIENT_ACCOUNT_STORE, PatientAccount, PatientAccountStore } from '../ports';

const CODE_VALIDITY_MS = 5 * 60_000;
const CODE_TRIES = 5;

/** How a username is compared: an e-mail in lower case, an INS matricule in upper case. */
export function normalisedUsername(username: string): string {
  const trimmed = username.trim();
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed.toUpperCase().replace(/\s/g, '');
}

/** `j***@example.org`: enough for the patient to recognise where the code went. */
export function maskedEmail(email: string): string {
  const [local, domain] = email.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

/**
 * The two steps of a patient's login (DESIGN §9): username and password, then the 6-digit
 * one-time code sent to the account holder (5 minutes, 5 tries, then a new code).
 */
@Injectable()
export class PatientLogin {
  constructor(
    @Inject(PATIENT_ACCOUNT_STORE) private readonly accounts: PatientAccountStore,
    private readonly security: ChannelSecurity,
    private readonly codes: CodeHasher,
  ) {}

  /** Checks the password and sends a one-time code; returns where it was sent. */
  async checkPassword(
    interactionId: string,
    username: string,
    password: string,
    address: string,
    now = new Date(),
  ): Promise<{ sentTo: string }> {
    const name = normalisedUsername(username);
    if (!name || !password)
      throw new ChannelRefusal('Saisissez votre identifiant et votre mot de passe.', 400);
    await this.security.refuseIfLocked(name, address, now);
    const account = await this.accounts.findByUsername(name);
    const matches = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account?.passwordHash || !account.email || !matches) {
      await this.security.audit(
        'patient-login',
        account?.patientKey,
        refused('PASSWORD_REFUSED'),
        401,
      );
      await this.security.failed(name, address, now);
      throw new ChannelRefusal('Identifiant ou mot de passe incorrect.', 401);
    }
    const code = oneTimeCode();
    await this.accounts.saveOneTimeCode({
      interactionId,
      accountId: account.id,
      codeHash: this.codes.hash(code),
      expiresAt: new Date(now.getTime() + CODE_VALIDITY_MS),
      triesLeft: CODE_TRIES,
    });
    const message = {
      patientKey: account.patientKey,
      recipient: account.email,
      kind: 'one-time-code' as const,
    };
    await this.security.sendCode(account.id, message, code, '5 minutes', now);
    return { sentTo: maskedEmail(account.email) };
  }

  /** Checks the one-time code of this login; returns the account once it matches. */
  async checkCode(
    interactionId: string,
    code: string,
    address: string,
    now = new Date(),
  ): Promise<PatientAccount> {
    const pending = await this.accounts.findOneTimeCode(interactionId);
    const account = pending && (await this.accounts.findById(pending.accountId));
    if (!pending || !account || pending.expiresAt <= now) {
      if (pending) await this.accounts.deleteOneTimeCode(interactionId);
      throw new ChannelRefusal(
        'Ce code a expiré. Reconnectez-vous pour en recevoir un nouveau.',
        401,
      );
    }
    const username = normalisedUsername(account.email ?? account.insValue ?? account.id);
    await this.security.refuseIfLocked(username, address, now);
    const triesLeft = await this.accounts.spendOneTimeCodeTry(interactionId);
    if (triesLeft >= 0 && this.codes.matches(code, pending.codeHash)) {
      await this.accounts.deleteOneTimeCode(interactionId);
      await this.security.succeeded(username);
      await this.security.audit('patient-login', account.patientKey, { allowed: true }, 200);
      return account;
    }
    await this.security.audit('patient-login', account.patientKey, refused('CODE_REFUSED'), 401);
    if (triesLeft <= 0) {
      await this.accounts.deleteOneTimeCode(interactionId);
      throw new ChannelRefusal(
        'Trop d’essais avec ce code. Reconnectez-vous pour en recevoir un nouveau.',
        401,
      );
    }
    throw new ChannelRefusal(
      `Code incorrect. Il vous reste ${triesLeft} essai${triesLeft > 1 ? 's' : ''}.`,
      401,
    );
  }
}

const refused = (reason: string) => ({ allowed: false as const, reason });

import type { Invitation, PatientInvitations } from '@passerelle/record-management';

/** The invitations a record's opening sent, kept for the test to look at. */
export class InMemoryInvitations implements PatientInvitations {
  readonly sent: Invitation[] = [];

  invite(invitation: Invitation): Promise<void> {
    this.sent.push(invitation);
    return Promise.resolve();
  }
}

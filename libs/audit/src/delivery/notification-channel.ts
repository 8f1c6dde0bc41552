import type { PendingNotification } from '../ports';

export const NOTIFICATION_CHANNEL = Symbol('NotificationChannel');

/** Where notifications go: a log by default, e-mail when SMTP is configured. */
export interface NotificationChannel {
  /** Resolves once delivered; rejects to have the notification retried later. */
  deliver(notification: PendingNotification): Promise<void>;
}

const SUBJECTS: Record<PendingNotification['kind'], string> = {
  'new-document': 'Un nouveau document a été ajouté à votre dossier médical partagé',
  'first-access': 'Un professionnel de santé a consulté votre dossier pour la première fois',
  'emergency-access': "Votre dossier médical partagé a été consulté en situation d'urgence",
  'access-changed': 'Les accès à votre dossier médical partagé ont changé',
  'record-status': "L'état de votre dossier médical partagé a changé",
  'activation-code': 'Votre code d’activation pour accéder à votre dossier médical partagé',
  'one-time-code': 'Votre code de connexion à votre dossier médical partagé',
};

export function subjectOf(notification: PendingNotification): string {
  return SUBJECTS[notification.kind];
}

/** How the payload's facts are named to the patient. */
const LABELS: Record<string, string> = {
  count: 'Nombre de documents',
  professional: 'Professionnel',
  name: 'Nom',
  purposeOfUse: "Motif d'accès",
  change: 'Modification',
  code: 'Code',
  validity: 'Validité',
  status: 'État du dossier',
  oppositionUntil: "Opposition possible jusqu'au",
  purgeDue: 'Suppression définitive le',
};

/** A plain-text body: what happened and when, never document contents. */
export function bodyOf(notification: PendingNotification): string {
  const details = Object.entries(notification.payload)
    .map(
      ([key, value]) =>
        `${LABELS[key] ?? key} : ${typeof value === 'string' ? value : JSON.stringify(value)}`,
    )
    .join('\n');
  return `${subjectOf(notification)}.\n\nDate : ${notification.createdAt.toISOString()}\n${details}\n`;
}

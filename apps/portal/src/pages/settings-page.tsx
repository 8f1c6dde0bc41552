import type { AuditEvent, Patient } from 'fhir/r4';
import { useState } from 'react';
import { usePatient } from '../app';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Field } from '../components/field';
import { Message, MessageArea } from '../components/messages';
import { PageTitle } from '../components/page-title';
import { Loading, useLoad } from '../components/use-load';
import { fhirJson, messageOf, patientOperation, searchAll } from '../fhir/client';
import { historyEntryOf } from '../fhir/history';
import { NotificationPreferences, PatientRecord, patientRecordOf } from '../fhir/record';
import { formatDate } from './format';

interface Settings {
  readonly record: PatientRecord;
  /** Representatives as the access history names them (the API lists no others). */
  readonly representatives: readonly string[];
}

/** Paramètres: notifications, contact details, closing or reopening the record, representatives. */
export function SettingsPage() {
  const { patient, role } = usePatient();
  const [loaded, reload] = useLoad<Settings>(async () => {
    const [resource, events] = await Promise.all([
      fhirJson<Patient>(`/Patient/${encodeURIComponent(patient)}`),
      searchAll<AuditEvent>(
        `/AuditEvent?patient=${encodeURIComponent(`Patient/${patient}`)}&_count=100`,
        2,
      ),
    ]);
    const representatives = new Set(
      events
        .map(historyEntryOf)
        .filter((entry) => entry.representative)
        .map((entry) => entry.who),
    );
    return { record: patientRecordOf(resource), representatives: [...representatives] };
  }, patient);
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<void>, success: string) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await action();
      setMessage({ kind: 'success', text: success });
      reload();
    } catch (error) {
      const text = messageOf(error);
      if (text) setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Paramètres</PageTitle>
      <MessageArea message={message} />
      {loaded.state === 'loading' && <Loading what="de vos paramètres" />}
      {loaded.state === 'error' && loaded.message && (
        <p className="message erreur" role="alert">
          {loaded.message}
        </p>
      )}
      {loaded.state === 'ready' && (
        <>
          <Notifications
            key={JSON.stringify(loaded.value.record.preferences)}
            preferences={loaded.value.record.preferences}
            busy={busy}
            save={(preferences) =>
              run(
                () =>
                  patientOperation(patient, 'notification-preferences', [
                    { name: 'newDocument', valueBoolean: preferences.newDocument },
                    { name: 'firstAccess', valueBoolean: preferences.firstAccess },
                    { name: 'accessChanged', valueBoolean: preferences.accessChanged },
                  ]),
                'Vos préférences de notification sont enregistrées.',
              )
            }
          />
          <Contact
            key={`${loaded.value.record.email ?? ''}|${loaded.value.record.phone ?? ''}`}
            record={loaded.value.record}
            busy={busy}
            save={(email, phone) =>
              run(
                () =>
                  patientOperation(patient, 'contact', [
                    ...(email ? [{ name: 'email', valueString: email }] : []),
                    ...(phone ? [{ name: 'phone', valueString: phone }] : []),
                  ]),
                'Vos coordonnées sont enregistrées.',
              )
            }
          />
          <RecordStatus
            record={loaded.value.record}
            busy={busy}
            close={(reason) =>
              run(
                () => patientOperation(patient, 'close', [{ name: 'reason', valueString: reason }]),
                'Votre dossier est fermé. Vous pouvez le rouvrir à tout moment.',
              )
            }
            reopen={() =>
              run(() => patientOperation(patient, 'reopen'), 'Votre dossier est rouvert.')
            }
          />
          <Representatives role={role} names={loaded.value.representatives} />
        </>
      )}
    </>
  );
}

function Notifications({
  preferences,
  busy,
  save,
}: {
  preferences: NotificationPreferences;
  busy: boolean;
  save: (preferences: NotificationPreferences) => Promise<void>;
}) {
  const [chosen, setChosen] = useState(preferences);
  const box = (name: keyof NotificationPreferences, label: string) => (
    <div className="case">
      <input
        id={`notification-${name}`}
        type="checkbox"
        checked={chosen[name]}
        onChange={() => setChosen((current) => ({ ...current, [name]: !current[name] }))}
      />
      <label htmlFor={`notification-${name}`}>{label}</label>
    </div>
  );
  return (
    <section aria-labelledby="notifications">
      <h2 id="notifications">Notifications</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(chosen);
        }}
      >
        <fieldset>
          <legend>Me prévenir quand :</legend>
          {box('newDocument', 'un nouveau document est ajouté à mon dossier')}
          {box('firstAccess', 'un professionnel consulte mon dossier pour la première fois')}
          {box('accessChanged', 'les accès à mon dossier changent (autorisation, blocage…)')}
          <p className="aide">
            Vous êtes toujours prévenu d’un accès en urgence : cette notification ne peut pas être
            désactivée. Aucune notification ne contient d’information médicale.
          </p>
        </fieldset>
        <button type="submit" disabled={busy}>
          Enregistrer mes préférences
        </button>
      </form>
    </section>
  );
}

function Contact({
  record,
  busy,
  save,
}: {
  record: PatientRecord;
  busy: boolean;
  save: (email: string, phone: string) => Promise<void>;
}) {
  const [email, setEmail] = useState(record.email ?? '');
  const [phone, setPhone] = useState(record.phone ?? '');
  return (
    <section aria-labelledby="coordonnees">
      <h2 id="coordonnees">Mes coordonnées</h2>
      <p>Vos notifications et vos codes de connexion vous sont envoyés ici.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(email.trim(), phone.trim());
        }}
      >
        <Field label="Adresse électronique">
          {(id) => (
            <input
              id={id}
              type="email"
              autoComplete="email"
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
          )}
        </Field>
        <Field label="Téléphone mobile" hint="Par exemple : 06 12 34 56 78">
          {(id, describedBy) => (
            <input
              id={id}
              type="tel"
              autoComplete="tel"
              value={phone}
              aria-describedby={describedBy}
              onChange={(event) => setPhone(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy}>
          Enregistrer mes coordonnées
        </button>
      </form>
    </section>
  );
}

function RecordStatus({
  record,
  busy,
  close,
  reopen,
}: {
  record: PatientRecord;
  busy: boolean;
  close: (reason: string) => Promise<void>;
  reopen: () => Promise<void>;
}) {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  return (
    <section aria-labelledby="mon-dossier">
      <h2 id="mon-dossier">Mon dossier</h2>
      <p>
        {record.open
          ? `Votre dossier est ouvert depuis le ${formatDate(record.openedAt)}.`
          : `Votre dossier est fermé depuis le ${formatDate(record.closedAt)}${record.closureReason ? ` (« ${record.closureReason} »)` : ''}.`}
      </p>
      <p>
        Un dossier fermé ne peut plus être consulté ni alimenté par aucun professionnel. Ses
        documents sont conservés pendant 10 ans, puis supprimés définitivement ; pendant ces 10 ans,
        vous pouvez le rouvrir à tout moment et tout retrouver. Vous gardez l’accès à vos documents,
        à leur téléchargement et à l’historique.
      </p>
      {record.open ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setConfirming(true);
          }}
        >
          <Field label="Pourquoi fermez-vous votre dossier ? (facultatif)">
            {(id) => (
              <textarea
                id={id}
                value={reason}
                rows={3}
                onChange={(event) => setReason(event.target.value)}
              />
            )}
          </Field>
          <button type="submit" className="danger" disabled={busy}>
            Fermer mon dossier
          </button>
        </form>
      ) : (
        <button type="button" disabled={busy} onClick={() => void reopen()}>
          Rouvrir mon dossier
        </button>
      )}
      <ConfirmDialog
        open={confirming}
        title="Fermer votre dossier ?"
        confirmLabel="Fermer mon dossier"
        onConfirm={() => {
          setConfirming(false);
          void close(reason.trim() || 'Fermé par le titulaire');
        }}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Plus aucun professionnel ne pourra consulter ni alimenter votre dossier. Vos documents
          seront conservés 10 ans, pendant lesquels vous pourrez le rouvrir.
        </p>
      </ConfirmDialog>
    </section>
  );
}

function Representatives({ role, names }: { role: string; names: readonly string[] }) {
  return (
    <section aria-labelledby="representants">
      <h2 id="representants">Représentants légaux</h2>
      {role === 'REPRESENTANT_LEGAL' ? (
        <p>
          Vous êtes connecté comme représentant légal du titulaire de ce dossier : vous agissez en
          son nom. Les documents que son médecin a réservés au titulaire ne vous sont pas montrés.
        </p>
      ) : (
        <p>
          Les représentants légaux (parents d’un enfant mineur, tuteur) sont indiqués par le
          professionnel qui ouvre le dossier ; chacun a son propre compte, et ses actions
          apparaissent dans votre historique.
        </p>
      )}
      {names.length > 0 ? (
        <>
          <p>Représentants légaux ayant agi sur ce dossier :</p>
          <ul>
            {names.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
        </>
      ) : (
        <p>Aucun représentant légal n’a encore agi sur ce dossier.</p>
      )}
    </section>
  );
}

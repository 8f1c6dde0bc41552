import type { AuditEvent, Bundle } from 'fhir/r4';
import { useState } from 'react';
import { usePatient } from '../app';
import { PageTitle } from '../components/page-title';
import { Loading, useLoad } from '../components/use-load';
import { fhirJson, messageOf } from '../fhir/client';
import { HistoryEntry, historyEntryOf } from '../fhir/history';
import { loadDocuments } from '../fhir/patient-documents';
import { formatDateTime } from './format';

const PAGE = 50;

interface HistoryPageData {
  readonly entries: readonly HistoryEntry[];
  readonly next?: string;
  readonly titles: ReadonlyMap<string, string>;
}

async function historyPage(url: string): Promise<{ entries: HistoryEntry[]; next?: string }> {
  const bundle = await fhirJson<Bundle>(url);
  return {
    entries: (bundle.entry ?? []).flatMap((entry) =>
      entry.resource?.resourceType === 'AuditEvent'
        ? [historyEntryOf(entry.resource as AuditEvent)]
        : [],
    ),
    next: bundle.link?.find((link) => link.relation === 'next')?.url,
  };
}

/** Historique des accès: who did what, when, on which documents; emergencies stand out. */
export function HistoryPage() {
  const { patient } = usePatient();
  const [loaded] = useLoad<HistoryPageData>(async () => {
    const [first, documents] = await Promise.all([
      historyPage(`/AuditEvent?patient=${encodeURIComponent(`Patient/${patient}`)}&_count=${PAGE}`),
      loadDocuments(patient),
    ]);
    const titles = new Map(
      documents.flatMap((document) =>
        document.uniqueId ? [[document.uniqueId, document.title]] : [],
      ),
    );
    return { ...first, titles };
  }, patient);
  const [more, setMore] = useState<{ entries: HistoryEntry[]; next?: string }>();
  const [showOwn, setShowOwn] = useState(false);
  const [failure, setFailure] = useState<string>();

  if (loaded.state !== 'ready') {
    return (
      <>
        <PageTitle>Historique des accès</PageTitle>
        {loaded.state === 'loading' ? (
          <Loading what="de l’historique" />
        ) : (
          loaded.message && (
            <p className="message erreur" role="alert">
              {loaded.message}
            </p>
          )
        )}
      </>
    );
  }
  const entries = [...loaded.value.entries, ...(more?.entries ?? [])];
  const next = more ? more.next : loaded.value.next;
  const shown = entries.filter((entry) => showOwn || !entry.self);
  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await historyPage(next);
      setMore({ entries: [...(more?.entries ?? []), ...page.entries], next: page.next });
    } catch (error) {
      setFailure(messageOf(error));
    }
  };

  return (
    <>
      <PageTitle>Historique des accès</PageTitle>
      <p>
        Chaque consultation, ajout ou modification de votre dossier est enregistré ici, du plus
        récent au plus ancien, y compris les tentatives refusées. Les accès en urgence sont
        signalés.
      </p>
      <div className="case">
        <input
          id="mes-actions"
          type="checkbox"
          checked={showOwn}
          onChange={(event) => setShowOwn(event.target.checked)}
        />
        <label htmlFor="mes-actions">Afficher aussi mes propres actions</label>
      </div>
      <p role="status" className="resume">
        {shown.length} événement{shown.length > 1 ? 's' : ''} affiché{shown.length > 1 ? 's' : ''}
      </p>
      <ol className="historique">
        {shown.map((entry) => (
          <HistoryItem key={entry.id} entry={entry} titles={loaded.value.titles} />
        ))}
      </ol>
      <div role="alert" className="message-area">
        {failure && <p className="message erreur">{failure}</p>}
      </div>
      {next && (
        <button type="button" className="secondaire" onClick={() => void loadMore()}>
          Afficher les événements plus anciens
        </button>
      )}
    </>
  );
}

const EMERGENCY_LABELS = {
  bris_de_glace: 'Accès en urgence (bris de glace)',
  centre_15: 'Accès en urgence par le centre 15 (SAMU)',
  autre: 'Accès en urgence',
} as const;

function HistoryItem({
  entry,
  titles,
}: {
  entry: HistoryEntry;
  titles: ReadonlyMap<string, string>;
}) {
  const classes = ['evenement', entry.emergency && 'urgence', entry.refused && 'refuse']
    .filter(Boolean)
    .join(' ');
  const documents = entry.documents.map((uniqueId) => titles.get(uniqueId) ?? 'un document');
  return (
    <li className={classes}>
      {entry.emergency && (
        <p className="badge badge-urgence">
          {EMERGENCY_LABELS[entry.emergency.purpose]}
          {entry.emergency.reason && ` — raison donnée : « ${entry.emergency.reason} »`}
        </p>
      )}
      <p className="quand">
        <time dateTime={entry.when.toISOString()}>{formatDateTime(entry.when)}</time>
      </p>
      <p>
        <strong>{entry.who}</strong>
        {entry.role && ` (${entry.role})`} {entry.what}
        {entry.refused && (
          <>
            {' '}
            — <strong className="refus">accès refusé</strong>
            {entry.reason && ` : ${entry.reason}`}
          </>
        )}
      </p>
      {documents.length > 0 && (
        <p className="documents-concernes">
          Document{documents.length > 1 ? 's' : ''} : {documents.join(', ')}
        </p>
      )}
    </li>
  );
}

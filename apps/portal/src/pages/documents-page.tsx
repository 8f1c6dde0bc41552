import { useState } from 'react';
import { usePatient } from '../app';
import { Field } from '../components/field';
import { Link } from '../components/link';
import { Message, MessageArea, takeFlash } from '../components/messages';
import { PageTitle } from '../components/page-title';
import { Loading, useLoad } from '../components/use-load';
import { messageOf } from '../fhir/client';
import {
  CATEGORIES,
  DocumentFilters,
  NO_FILTER,
  PatientDocument,
  filterChoices,
  filtered,
} from '../fhir/documents';
import { loadDocuments, recordArchive, saveAs } from '../fhir/patient-documents';
import { pathOf } from '../router';
import { seenDocuments } from '../seen-documents';
import { formatDate } from './format';

/** Mes documents: by Mon espace santé category, newest first, filtered by type, date, author. */
export function DocumentsPage() {
  const { patient } = usePatient();
  const [documents] = useLoad(() => loadDocuments(patient), patient);
  const [filters, setFilters] = useState<DocumentFilters>(NO_FILTER);
  const [category, setCategory] = useState('');
  const [message, setMessage] = useState<Message | undefined>(() => takeFlash());
  const [archiving, setArchiving] = useState(false);

  const downloadEverything = async () => {
    setArchiving(true);
    setMessage(undefined);
    try {
      saveAs(await recordArchive(patient), 'mon-dossier-medical.zip');
      setMessage({ kind: 'success', text: 'L’archive de votre dossier est téléchargée.' });
    } catch (error) {
      const text = messageOf(error);
      if (text) setMessage({ kind: 'error', text });
    } finally {
      setArchiving(false);
    }
  };

  return (
    <>
      <PageTitle>Mes documents</PageTitle>
      <MessageArea message={message} />
      <p>
        Les documents que les professionnels de santé et vous-même avez ajoutés à votre dossier, du
        plus récent au plus ancien.
      </p>
      <p>
        <button type="button" onClick={() => void downloadEverything()} disabled={archiving}>
          {archiving ? 'Préparation de l’archive…' : 'Tout télécharger (archive ZIP)'}
        </button>
      </p>
      {documents.state === 'loading' && <Loading what="de vos documents" />}
      {documents.state === 'error' && documents.message && (
        <p className="message erreur" role="alert">
          {documents.message}
        </p>
      )}
      {documents.state === 'ready' && (
        <DocumentList
          patient={patient}
          documents={documents.value}
          filters={filters}
          setFilters={setFilters}
          category={category}
          setCategory={setCategory}
        />
      )}
    </>
  );
}

function DocumentList({
  patient,
  documents,
  filters,
  setFilters,
  category,
  setCategory,
}: {
  patient: string;
  documents: readonly PatientDocument[];
  filters: DocumentFilters;
  setFilters: (filters: DocumentFilters) => void;
  category: string;
  setCategory: (category: string) => void;
}) {
  const seen = seenDocuments(patient);
  const choices = filterChoices(documents);
  const shown = filtered(documents, filters).filter(
    (document) => !category || document.category === category,
  );
  const groups = CATEGORIES.map((group) => ({
    ...group,
    documents: shown.filter((document) => document.category === group.code),
  })).filter((group) => group.documents.length > 0);
  const unread = documents.filter((document) => !seen.has(document.id)).length;
  const set = (change: Partial<DocumentFilters>) => setFilters({ ...filters, ...change });

  return (
    <>
      <form className="filtres" onSubmit={(event) => event.preventDefault()}>
        <fieldset>
          <legend>Filtrer mes documents</legend>
          <div className="champs">
            <Field label="Catégorie">
              {(id) => (
                <select
                  id={id}
                  value={category}
                  onChange={(event) => setCategory(event.target.value)}
                >
                  <option value="">Toutes les catégories</option>
                  {CATEGORIES.map((option) => (
                    <option key={option.code} value={option.code}>
                      {option.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Type de document">
              {(id) => (
                <select
                  id={id}
                  value={filters.type}
                  onChange={(event) => set({ type: event.target.value })}
                >
                  <option value="">Tous les types</option>
                  {choices.types.map(([code, label]) => (
                    <option key={code} value={code}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Auteur">
              {(id) => (
                <select
                  id={id}
                  value={filters.author}
                  onChange={(event) => set({ author: event.target.value })}
                >
                  <option value="">Tous les auteurs</option>
                  {choices.authors.map((author) => (
                    <option key={author} value={author}>
                      {author}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label="Du (date incluse)">
              {(id) => (
                <input
                  id={id}
                  type="date"
                  value={filters.from}
                  onChange={(event) => set({ from: event.target.value })}
                />
              )}
            </Field>
            <Field label="Au (date incluse)">
              {(id) => (
                <input
                  id={id}
                  type="date"
                  value={filters.to}
                  onChange={(event) => set({ to: event.target.value })}
                />
              )}
            </Field>
          </div>
          <button
            type="button"
            className="secondaire"
            onClick={() => {
              setFilters(NO_FILTER);
              setCategory('');
            }}
          >
            Effacer les filtres
          </button>
        </fieldset>
      </form>
      <p role="status" className="resume">
        {shown.length === documents.length
          ? `${documents.length} document${documents.length > 1 ? 's' : ''}`
          : `${shown.length} document${shown.length > 1 ? 's' : ''} sur ${documents.length}`}
        {unread > 0 && `, dont ${unread} nouveau${unread > 1 ? 'x' : ''}`}
      </p>
      {documents.length === 0 && <p>Votre dossier ne contient encore aucun document.</p>}
      {groups.map((group) => (
        <section key={group.code} aria-labelledby={`categorie-${group.code}`} className="categorie">
          <h2 id={`categorie-${group.code}`}>
            {group.label} <span className="compte">({group.documents.length})</span>
          </h2>
          <ul className="documents">
            {group.documents.map((document) => (
              <DocumentItem key={document.id} document={document} isNew={!seen.has(document.id)} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

function DocumentItem({ document, isNew }: { document: PatientDocument; isNew: boolean }) {
  return (
    <li className={isNew ? 'document nouveau' : 'document'}>
      <h3>
        <Link href={pathOf({ page: 'document', id: document.id })}>
          {document.title}
          {isNew && <span className="visuellement-cache"> (nouveau)</span>}
        </Link>
      </h3>
      {isNew && (
        <p className="badge badge-nouveau" aria-hidden="true">
          Nouveau
        </p>
      )}
      <p className="details">
        <span>{formatDate(document.date)}</span>
        <span>{document.typeLabel}</span>
        {document.authors.length > 0 && <span>{document.authors.join(' ; ')}</span>}
      </p>
      {document.hiddenFromProfessionals && (
        <p className="badge badge-masque">Masqué aux professionnels</p>
      )}
    </li>
  );
}

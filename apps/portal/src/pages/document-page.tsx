import { useEffect, useMemo, useState } from 'react';
import { usePatient } from '../app';
import { CdaView } from '../cda/cda-view';
import { ConfirmDialog } from '../components/confirm-dialog';
import { Link } from '../components/link';
import { Message, MessageArea, flash } from '../components/messages';
import { PageTitle } from '../components/page-title';
import { Loading, useLoad } from '../components/use-load';
import { messageOf } from '../fhir/client';
import { CATEGORIES, PatientDocument, fileNameOf, kindOf } from '../fhir/documents';
import {
  deleteDocument,
  documentContent,
  loadDocument,
  saveAs,
  setHiddenFromProfessionals,
} from '../fhir/patient-documents';
import { BASE, navigate } from '../router';
import { markSeen } from '../seen-documents';
import { formatDate, formatSize } from './format';

/** One document: what it is, its content shown in the page, and what the patient may do with it. */
export function DocumentPage({ id }: { id: string }) {
  const { patient } = usePatient();
  const [loaded, reload] = useLoad(async () => {
    const document = await loadDocument(id);
    return { document, content: await documentContent(document) };
  }, id);
  const [message, setMessage] = useState<Message>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (loaded.state === 'ready') markSeen(patient, loaded.value.document.id);
  }, [loaded, patient]);

  if (loaded.state === 'loading') {
    return (
      <>
        <PageTitle>Document</PageTitle>
        <Loading what="du document" />
      </>
    );
  }
  if (loaded.state === 'error') {
    return (
      <>
        <PageTitle>Document introuvable</PageTitle>
        {loaded.message && (
          <p className="message erreur" role="alert">
            {loaded.message}
          </p>
        )}
        <p>
          <Link href={BASE}>Retour à mes documents</Link>
        </p>
      </>
    );
  }
  const { document, content } = loaded.value;

  const act = async (action: () => Promise<void>, success: string) => {
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

  const remove = async () => {
    setConfirming(false);
    setBusy(true);
    try {
      await deleteDocument(document);
      flash({ kind: 'success', text: `Le document « ${document.title} » a été supprimé.` });
      navigate(BASE);
    } catch (error) {
      const text = messageOf(error);
      if (text) setMessage({ kind: 'error', text });
      setBusy(false);
    }
  };

  return (
    <>
      <p className="retour">
        <Link href={BASE}>Retour à mes documents</Link>
      </p>
      <PageTitle>{document.title}</PageTitle>
      <MessageArea message={message} />
      <dl className="fiche">
        <div>
          <dt>Date</dt>
          <dd>{formatDate(document.date)}</dd>
        </div>
        <div>
          <dt>Type</dt>
          <dd>{document.typeLabel}</dd>
        </div>
        <div>
          <dt>Catégorie</dt>
          <dd>{CATEGORIES.find((category) => category.code === document.category)?.label}</dd>
        </div>
        <div>
          <dt>Auteur</dt>
          <dd>{document.authors.join(' ; ') || 'Non précisé'}</dd>
        </div>
        {document.signedBy && (
          <div>
            <dt>Signé par</dt>
            <dd>{document.signedBy}</dd>
          </div>
        )}
        <div>
          <dt>Visibilité</dt>
          <dd>
            {document.hiddenFromProfessionals
              ? 'Masqué aux professionnels (sauf vos médecins traitants et son auteur)'
              : 'Visible par les professionnels que vous autorisez'}
          </dd>
        </div>
      </dl>
      <div className="actions">
        <button
          type="button"
          onClick={() => saveAs(content, fileNameOf(document))}
          aria-describedby="taille-document"
        >
          Télécharger
        </button>
        <span id="taille-document" className="visuellement-cache">
          {formatSize(content.size)}
        </span>
        <button
          type="button"
          className="secondaire"
          disabled={busy}
          onClick={() =>
            void act(
              () => setHiddenFromProfessionals(document, !document.hiddenFromProfessionals),
              document.hiddenFromProfessionals
                ? 'Le document est de nouveau visible par les professionnels que vous autorisez.'
                : 'Le document est masqué aux professionnels.',
            )
          }
        >
          {document.hiddenFromProfessionals
            ? 'Rendre visible aux professionnels'
            : 'Masquer aux professionnels'}
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          Supprimer
        </button>
      </div>
      <details className="explication">
        <summary>Que veut dire « masquer » ?</summary>
        <p>
          Un document masqué n’apparaît plus aux professionnels de santé qui consultent votre
          dossier. Il reste visible pour vous, pour vos médecins traitants et pour le professionnel
          qui l’a écrit. En cas d’urgence, il n’est montré que si vous l’avez permis (page « Qui
          peut voir mon dossier »).
        </p>
      </details>
      <section aria-labelledby="contenu-document" className="contenu-document">
        <h2 id="contenu-document">Contenu du document</h2>
        <DocumentContent document={document} content={content} />
      </section>
      <ConfirmDialog
        open={confirming}
        title="Supprimer ce document ?"
        confirmLabel="Supprimer définitivement"
        onConfirm={() => void remove()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          « {document.title} » sera retiré de votre dossier : ni vous ni aucun professionnel ne
          pourrez plus le consulter. Pensez à le télécharger avant si vous souhaitez le garder.
        </p>
      </ConfirmDialog>
    </>
  );
}

/** The content itself: a PDF in the browser's viewer, a CDA read into the page, an image, text. */
function DocumentContent({ document, content }: { document: PatientDocument; content: Blob }) {
  const url = useMemo(() => URL.createObjectURL(content), [content]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const kind = kindOf(document);
  if (kind === 'cda') return <CdaView content={content} />;
  if (kind === 'text') return <TextContent content={content} />;
  if (kind === 'pdf') {
    return (
      <>
        <iframe className="visionneuse-pdf" src={url} title={`Document PDF : ${document.title}`} />
        <p>
          Le document ne s’affiche pas ?{' '}
          <a href={url} download={fileNameOf(document)}>
            Téléchargez-le
          </a>
          .
        </p>
      </>
    );
  }
  if (kind === 'image') {
    return (
      <img className="image-document" src={url} alt={`Image du document : ${document.title}`} />
    );
  }
  return (
    <p>
      Ce type de document ({document.mimeType}) ne peut pas être affiché dans la page.{' '}
      <a href={url} download={fileNameOf(document)}>
        Téléchargez-le
      </a>{' '}
      pour l’ouvrir.
    </p>
  );
}

function TextContent({ content }: { content: Blob }) {
  const [text, setText] = useState<string>();
  useEffect(() => {
    let current = true;
    void content.text().then((value) => current && setText(value));
    return () => {
      current = false;
    };
  }, [content]);
  return <pre className="texte-document">{text}</pre>;
}

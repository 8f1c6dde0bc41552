import { createElement, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime } from '../pages/format';
import { CdaDocument, CdaSection, NarrativeNode, NotACdaDocument, readCda } from './cda';

/** A CDA R2 document shown readably: its header (patient, author, date), then its sections. */
export function CdaView({ content }: { content: Blob }) {
  const [read, setRead] = useState<{ document?: CdaDocument; error?: string }>();
  useEffect(() => {
    let current = true;
    void content.text().then((xml) => {
      if (!current) return;
      try {
        setRead({ document: readCda(xml) });
      } catch (error) {
        setRead({
          error:
            error instanceof NotACdaDocument
              ? error.message
              : 'Ce document ne peut pas être affiché : téléchargez-le pour l’ouvrir.',
        });
      }
    });
    return () => {
      current = false;
    };
  }, [content]);
  if (!read) return <p role="status">Lecture du document…</p>;
  if (!read.document) return <p className="message erreur">{read.error}</p>;
  return <CdaDocumentView document={read.document} />;
}

function CdaDocumentView({ document }: { document: CdaDocument }) {
  return (
    <article className="cda" aria-labelledby="cda-titre">
      <header className="cda-entete">
        <h3 id="cda-titre">{document.title}</h3>
        <dl className="fiche">
          <div>
            <dt>Patient</dt>
            <dd>
              {document.patient.name}
              {document.patient.birthDate && `, né(e) le ${formatDate(document.patient.birthDate)}`}
              {document.patient.detail && ` (${document.patient.detail})`}
            </dd>
          </div>
          <div>
            <dt>Date du document</dt>
            <dd>{formatDateTime(document.date)}</dd>
          </div>
          {document.authors.map((author, index) => (
            <div key={index}>
              <dt>{document.authors.length > 1 ? `Auteur ${index + 1}` : 'Auteur'}</dt>
              <dd>
                {author.name}
                {author.detail && ` — ${author.detail}`}
              </dd>
            </div>
          ))}
          {document.custodian && (
            <div>
              <dt>Conservé par</dt>
              <dd>{document.custodian}</dd>
            </div>
          )}
        </dl>
      </header>
      {document.sections.map((section, index) => (
        <SectionView key={index} section={section} level={4} />
      ))}
      {document.attachment && (
        <Attachment attachment={document.attachment} title={document.title} />
      )}
    </article>
  );
}

function SectionView({ section, level }: { section: CdaSection; level: number }) {
  const heading = `h${Math.min(level, 6)}`;
  return (
    <section className="cda-section">
      {createElement(heading, null, section.title)}
      <div className="cda-texte">{narrative(section.narrative)}</div>
      {section.sections.map((nested, index) => (
        <SectionView key={index} section={nested} level={level + 1} />
      ))}
    </section>
  );
}

function narrative(nodes: readonly NarrativeNode[]): ReactNode[] {
  return nodes.map((node, index) =>
    'text' in node
      ? node.text
      : node.tag === 'br'
        ? createElement('br', { key: index })
        : createElement(node.tag, { key: index }, ...narrative(node.children)),
  );
}

/** A level 1 CDA's body: the file it carries (a PDF, an image), shown as such. */
function Attachment({
  attachment,
  title,
}: {
  attachment: NonNullable<CdaDocument['attachment']>;
  title: string;
}) {
  const url = useMemo(
    () =>
      URL.createObjectURL(new Blob([attachment.bytes as BlobPart], { type: attachment.mediaType })),
    [attachment],
  );
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  if (attachment.mediaType === 'application/pdf') {
    return <iframe className="visionneuse-pdf" src={url} title={`Corps du document : ${title}`} />;
  }
  if (attachment.mediaType.startsWith('image/')) {
    return <img className="image-document" src={url} alt={`Corps du document : ${title}`} />;
  }
  return (
    <p>
      <a href={url} download>
        Télécharger le corps du document
      </a>
    </p>
  );
}

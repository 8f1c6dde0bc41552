import type { Consent } from 'fhir/r4';
import { FormEvent, ReactNode, useEffect, useState } from 'react';
import { usePatient } from '../app';
import { Field } from '../components/field';
import { Message, MessageArea } from '../components/messages';
import { PageTitle } from '../components/page-title';
import { Loading, useLoad } from '../components/use-load';
import { messageOf, patientOperation, searchAll } from '../fhir/client';
import { AccessDecision, EmergencyConsents, SubjectKind, recordAccessOf } from '../fhir/consents';
import { DirectoryEntry, lookUp, searchDirectory } from '../fhir/directory';
import { formatDate } from './format';

/** TRE_G15 Médecin: the one profession a médecin traitant has. */
const MEDECIN = '10';

type Run = (action: () => Promise<void>, success: string) => Promise<void>;

const subjectParameter = (kind: SubjectKind, id: string) => [
  { name: kind === 'PS' ? 'professional' : 'structure', valueString: id },
];

/** Qui peut voir mon dossier: authorisations, médecins traitants, blocks, emergency consents. */
export function AccessPage() {
  const { patient } = usePatient();
  const [access, reload] = useLoad(
    async () =>
      recordAccessOf(
        await searchAll<Consent>(`/Consent?patient=${encodeURIComponent(`Patient/${patient}`)}`),
      ),
    patient,
  );
  const [message, setMessage] = useState<Message>();
  const [busy, setBusy] = useState(false);

  const run: Run = async (action, success) => {
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
  const operation = (name: string, kind: SubjectKind, id: string, success: string) =>
    run(() => patientOperation(patient, name, subjectParameter(kind, id)), success);

  return (
    <>
      <PageTitle>Qui peut voir mon dossier</PageTitle>
      <MessageArea message={message} />
      <p>
        Les professionnels de santé ne consultent votre dossier qu’avec votre autorisation, sauf vos
        médecins traitants et les situations d’urgence expliquées plus bas. Vous pouvez à tout
        moment retirer une autorisation ou bloquer un professionnel.
      </p>
      {access.state === 'loading' && <Loading what="des accès" />}
      {access.state === 'error' && access.message && (
        <p className="message erreur" role="alert">
          {access.message}
        </p>
      )}
      {access.state === 'ready' && (
        <>
          <Decisions decisions={access.value.decisions} busy={busy} operation={operation} />
          <GrantAccess decisions={access.value.decisions} busy={busy} operation={operation} />
          <Emergency
            key={JSON.stringify(access.value.emergency)}
            consents={access.value.emergency}
            busy={busy}
            save={(consents) =>
              run(
                () =>
                  patientOperation(patient, 'emergency-consents', [
                    { name: 'centre15', valueBoolean: consents.centre15 },
                    { name: 'otherProfessionals', valueBoolean: consents.otherProfessionals },
                    { name: 'maskedDocuments', valueBoolean: consents.maskedDocuments },
                  ]),
                'Vos choix pour les accès en urgence sont enregistrés.',
              )
            }
          />
        </>
      )}
    </>
  );
}

type Operation = (name: string, kind: SubjectKind, id: string, success: string) => Promise<void>;

function Decisions({
  decisions,
  busy,
  operation,
}: {
  decisions: readonly AccessDecision[];
  busy: boolean;
  operation: Operation;
}) {
  const authorised = decisions.filter((decision) => decision.kind === 'authorisation');
  const medecins = decisions.filter((decision) => decision.kind === 'medecin-traitant');
  const refused = decisions.filter(
    (decision) => decision.kind === 'block' || decision.kind === 'refusal',
  );
  const isMedecinTraitant = (id: string) => medecins.some((medecin) => medecin.subjectId === id);
  const isBlocked = (id: string) =>
    refused.some((decision) => decision.kind === 'block' && decision.subjectId === id);
  return (
    <>
      <section aria-labelledby="autorises">
        <h2 id="autorises">Professionnels et structures autorisés</h2>
        {authorised.length === 0 ? (
          <p>Aucune autorisation en cours.</p>
        ) : (
          <ul className="sujets">
            {authorised.map((decision) => (
              <li key={`${decision.subjectKind}-${decision.subjectId}`}>
                <Subject kind={decision.subjectKind} id={decision.subjectId}>
                  {(label, entry) => (
                    <>
                      <p className="etat">
                        {decision.expired
                          ? `Autorisation expirée le ${formatDate(decision.validUntil)}`
                          : `Autorisé ${decision.declaredBy === 'patient' ? 'par vous' : 'par ce professionnel, avec votre accord'} le ${formatDate(decision.declaredAt)}${decision.validUntil ? `, jusqu’au ${formatDate(decision.validUntil)}` : ''}`}
                      </p>
                      <div className="actions">
                        <button
                          type="button"
                          className="secondaire"
                          disabled={busy}
                          onClick={() =>
                            void operation(
                              'revoke-authorisation',
                              decision.subjectKind,
                              decision.subjectId,
                              `L’autorisation de ${label} est retirée.`,
                            )
                          }
                        >
                          Retirer l’autorisation
                          <span className="visuellement-cache"> de {label}</span>
                        </button>
                        {entry?.professionCode === MEDECIN &&
                          !isMedecinTraitant(decision.subjectId) && (
                            <button
                              type="button"
                              className="secondaire"
                              disabled={busy}
                              onClick={() =>
                                void operation(
                                  'declare-medecin-traitant',
                                  'PS',
                                  decision.subjectId,
                                  `${label} est désormais votre médecin traitant.`,
                                )
                              }
                            >
                              Déclarer médecin traitant
                              <span className="visuellement-cache"> : {label}</span>
                            </button>
                          )}
                        {!isMedecinTraitant(decision.subjectId) &&
                          !isBlocked(decision.subjectId) && (
                            <button
                              type="button"
                              className="danger"
                              disabled={busy}
                              onClick={() =>
                                void operation(
                                  'block',
                                  decision.subjectKind,
                                  decision.subjectId,
                                  `${label} est bloqué : il ne peut plus consulter ni alimenter votre dossier.`,
                                )
                              }
                            >
                              Bloquer<span className="visuellement-cache"> {label}</span>
                            </button>
                          )}
                      </div>
                    </>
                  )}
                </Subject>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="medecins-traitants">
        <h2 id="medecins-traitants">Médecins traitants</h2>
        <p>
          Vos médecins traitants voient tous vos documents, même ceux que vous avez masqués. Vous ne
          pouvez pas les bloquer, mais vous pouvez leur retirer ce rôle.
        </p>
        {medecins.length === 0 ? (
          <p>Aucun médecin traitant déclaré.</p>
        ) : (
          <ul className="sujets">
            {medecins.map((decision) => (
              <li key={decision.subjectId}>
                <Subject kind="PS" id={decision.subjectId}>
                  {(label) => (
                    <>
                      <p className="etat">
                        Médecin traitant depuis le {formatDate(decision.declaredAt)}
                      </p>
                      <div className="actions">
                        <button
                          type="button"
                          className="secondaire"
                          disabled={busy}
                          onClick={() =>
                            void operation(
                              'remove-medecin-traitant',
                              'PS',
                              decision.subjectId,
                              `${label} n’est plus votre médecin traitant.`,
                            )
                          }
                        >
                          Retirer le rôle de médecin traitant
                          <span className="visuellement-cache"> à {label}</span>
                        </button>
                      </div>
                    </>
                  )}
                </Subject>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="bloques">
        <h2 id="bloques">Professionnels et structures bloqués</h2>
        <p>
          Un professionnel bloqué ne peut ni consulter ni alimenter votre dossier, même avec une
          autorisation, sauf s’il est votre médecin traitant.
        </p>
        {refused.length === 0 ? (
          <p>Personne n’est bloqué.</p>
        ) : (
          <ul className="sujets">
            {refused.map((decision) => (
              <li key={`${decision.kind}-${decision.subjectKind}-${decision.subjectId}`}>
                <Subject kind={decision.subjectKind} id={decision.subjectId}>
                  {(label) => (
                    <>
                      <p className="etat">
                        {decision.kind === 'block'
                          ? `Bloqué depuis le ${formatDate(decision.declaredAt)}`
                          : `Accès refusé par vous le ${formatDate(decision.declaredAt)}`}
                      </p>
                      <div className="actions">
                        <button
                          type="button"
                          className="secondaire"
                          disabled={busy}
                          onClick={() =>
                            void operation(
                              decision.kind === 'block' ? 'unblock' : 'revoke-authorisation',
                              decision.subjectKind,
                              decision.subjectId,
                              decision.kind === 'block'
                                ? `${label} n’est plus bloqué.`
                                : `Votre refus pour ${label} est levé.`,
                            )
                          }
                        >
                          {decision.kind === 'block' ? 'Débloquer' : 'Lever le refus'}
                          <span className="visuellement-cache"> : {label}</span>
                        </button>
                      </div>
                    </>
                  )}
                </Subject>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

/** A professional or structure by name (from the directory), with its number. */
function Subject({
  kind,
  id,
  children,
}: {
  kind: SubjectKind;
  id: string;
  children: (label: string, entry?: DirectoryEntry) => ReactNode;
}) {
  const [entry, setEntry] = useState<DirectoryEntry>();
  useEffect(() => {
    let current = true;
    void lookUp(kind, id).then((found) => current && setEntry(found));
    return () => {
      current = false;
    };
  }, [kind, id]);
  const label =
    entry?.name ?? (kind === 'PS' ? `le professionnel n° ${id}` : `la structure n° ${id}`);
  return (
    <>
      <p className="sujet">
        <strong>
          {entry?.name ?? (kind === 'PS' ? 'Professionnel de santé' : 'Structure de soins')}
        </strong>
        {entry?.profession && <span>{entry.profession}</span>}
        {entry && entry.structures.length > 0 && <span>{entry.structures.join(', ')}</span>}
        <span>
          {kind === 'PS' ? 'Identifiant national' : 'Identifiant de structure'} {id}
        </span>
      </p>
      {children(label, entry)}
    </>
  );
}

/** Search the directory by name or number, then authorise (or block) whom the patient chooses. */
function GrantAccess({
  decisions,
  busy,
  operation,
}: {
  decisions: readonly AccessDecision[];
  busy: boolean;
  operation: Operation;
}) {
  const [kind, setKind] = useState<SubjectKind>('PS');
  const [typed, setTyped] = useState('');
  const [results, setResults] = useState<readonly DirectoryEntry[]>();
  const [failure, setFailure] = useState<string>();
  const [searching, setSearching] = useState(false);
  const search = async (event: FormEvent) => {
    event.preventDefault();
    if (!typed.trim()) return;
    setSearching(true);
    setFailure(undefined);
    try {
      setResults(await searchDirectory(kind, typed));
    } catch (error) {
      setResults(undefined);
      setFailure(messageOf(error));
    } finally {
      setSearching(false);
    }
  };
  const decided = (entry: DirectoryEntry) =>
    decisions.filter((decision) => decision.subjectId === entry.id && !decision.expired);
  return (
    <section aria-labelledby="donner-acces">
      <h2 id="donner-acces">Autoriser un professionnel ou une structure</h2>
      <form role="search" aria-labelledby="donner-acces" onSubmit={(event) => void search(event)}>
        <fieldset className="choix">
          <legend>Je cherche</legend>
          <label>
            <input
              type="radio"
              name="type-recherche"
              checked={kind === 'PS'}
              onChange={() => setKind('PS')}
            />
            un professionnel de santé
          </label>
          <label>
            <input
              type="radio"
              name="type-recherche"
              checked={kind === 'STRUCTURE'}
              onChange={() => setKind('STRUCTURE')}
            />
            une structure (hôpital, laboratoire, cabinet…)
          </label>
        </fieldset>
        <Field
          label={kind === 'PS' ? 'Nom ou numéro RPPS' : 'Nom ou numéro FINESS'}
          hint={
            kind === 'PS'
              ? 'Par exemple : Martin, ou 10000000017'
              : 'Par exemple : Centre hospitalier'
          }
        >
          {(id, describedBy) => (
            <input
              id={id}
              type="search"
              value={typed}
              aria-describedby={describedBy}
              onChange={(event) => setTyped(event.target.value)}
              required
            />
          )}
        </Field>
        <button type="submit" disabled={searching}>
          {searching ? 'Recherche…' : 'Rechercher'}
        </button>
      </form>
      <div role="alert" className="message-area">
        {failure && <p className="message erreur">{failure}</p>}
      </div>
      <div role="status" className="message-area">
        {results && (
          <p>
            {results.length === 0
              ? 'Aucun résultat dans l’annuaire.'
              : `${results.length} résultat${results.length > 1 ? 's' : ''} dans l’annuaire.`}
          </p>
        )}
      </div>
      {results && results.length > 0 && (
        <ul className="sujets resultats">
          {results.map((entry) => {
            const current = decided(entry);
            return (
              <li key={entry.id}>
                <p className="sujet">
                  <strong>{entry.name}</strong>
                  {entry.profession && <span>{entry.profession}</span>}
                  {entry.structures.length > 0 && <span>{entry.structures.join(', ')}</span>}
                  <span>Identifiant {entry.id}</span>
                </p>
                {current.length > 0 && (
                  <p className="etat">
                    {current.map((decision) => LABELS[decision.kind]).join(', ')}
                  </p>
                )}
                <div className="actions">
                  {!current.some((decision) => decision.kind === 'authorisation') && (
                    <button
                      type="button"
                      disabled={busy}
                      onClick={() =>
                        void operation(
                          'declare-authorisation',
                          entry.kind,
                          entry.id,
                          `${entry.name} peut désormais consulter votre dossier.`,
                        )
                      }
                    >
                      Autoriser<span className="visuellement-cache"> {entry.name}</span>
                    </button>
                  )}
                  {!current.some((decision) => decision.kind === 'block') && (
                    <button
                      type="button"
                      className="danger"
                      disabled={busy}
                      onClick={() =>
                        void operation(
                          'block',
                          entry.kind,
                          entry.id,
                          `${entry.name} est bloqué : il ne peut plus consulter ni alimenter votre dossier.`,
                        )
                      }
                    >
                      Bloquer<span className="visuellement-cache"> {entry.name}</span>
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

const LABELS: Record<AccessDecision['kind'], string> = {
  authorisation: 'Déjà autorisé',
  refusal: 'Accès refusé',
  block: 'Bloqué',
  'medecin-traitant': 'Votre médecin traitant',
};

/** The emergency consents, each explained in plain words. */
function Emergency({
  consents,
  busy,
  save,
}: {
  consents: EmergencyConsents;
  busy: boolean;
  save: (consents: EmergencyConsents) => Promise<void>;
}) {
  const [chosen, setChosen] = useState(consents);
  const toggle = (name: keyof EmergencyConsents) =>
    setChosen((current) => ({ ...current, [name]: !current[name] }));
  return (
    <section aria-labelledby="urgence">
      <h2 id="urgence">Accès en cas d’urgence</h2>
      <p>
        En cas d’urgence, des professionnels peuvent avoir besoin de votre dossier alors qu’ils
        n’ont pas votre autorisation. Chaque accès en urgence est enregistré dans votre historique,
        avec sa raison, et vous en êtes toujours prévenu.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save(chosen);
        }}
      >
        <fieldset>
          <legend>J’accepte qu’en urgence :</legend>
          <div className="case">
            <input
              id="urgence-centre15"
              type="checkbox"
              checked={chosen.centre15}
              onChange={() => toggle('centre15')}
              aria-describedby="urgence-centre15-aide"
            />
            <label htmlFor="urgence-centre15">
              le médecin du centre 15 (SAMU) consulte mon dossier
            </label>
            <p className="aide" id="urgence-centre15-aide">
              Quand vous ou un proche appelez le 15, le médecin régulateur du SAMU qui répond peut
              lire votre dossier pour décider des secours à envoyer et vous orienter.
            </p>
          </div>
          <div className="case">
            <input
              id="urgence-bris-de-glace"
              type="checkbox"
              checked={chosen.otherProfessionals}
              onChange={() => toggle('otherProfessionals')}
              aria-describedby="urgence-bris-de-glace-aide"
            />
            <label htmlFor="urgence-bris-de-glace">
              un autre professionnel ouvre mon dossier en « bris de glace »
            </label>
            <p className="aide" id="urgence-bris-de-glace-aide">
              Le « bris de glace », c’est comme casser la vitre d’une alarme incendie : face à une
              urgence (par exemple si vous êtes inconscient), un professionnel peut ouvrir votre
              dossier sans votre autorisation. Il doit écrire pourquoi, et cet accès vous est
              signalé.
            </p>
          </div>
          <div className="case">
            <input
              id="urgence-masques"
              type="checkbox"
              checked={chosen.maskedDocuments}
              onChange={() => toggle('maskedDocuments')}
              aria-describedby="urgence-masques-aide"
            />
            <label htmlFor="urgence-masques">ils voient aussi les documents que j’ai masqués</label>
            <p className="aide" id="urgence-masques-aide">
              Sinon, les documents masqués restent cachés même en urgence.
            </p>
          </div>
        </fieldset>
        <button type="submit" disabled={busy}>
          Enregistrer mes choix
        </button>
      </form>
    </section>
  );
}

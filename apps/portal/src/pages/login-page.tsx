import { useState } from 'react';
import { LOGGED_OUT_STATE, beginLogin } from '../auth/oauth';
import type { Notice } from '../auth/session';
import { PageTitle } from '../components/page-title';

/** Before login: why the patient is here (expired, logged out, a failed login) and the way in. */
export function LoginPage({ notice }: { notice?: Notice }) {
  const [failure, setFailure] = useState<string>();
  const [leaving, setLeaving] = useState(false);
  const loggedOut =
    notice === 'logged-out' ||
    new URLSearchParams(window.location.search).get('state') === LOGGED_OUT_STATE;
  const alert =
    failure ??
    (notice === 'expired'
      ? 'Votre session a expiré. Pour protéger vos données, reconnectez-vous.'
      : typeof notice === 'object'
        ? notice.failed
        : undefined);
  const login = () => {
    setLeaving(true);
    beginLogin().catch(() => {
      setLeaving(false);
      setFailure('Le service de connexion est injoignable. Réessayez dans quelques instants.');
    });
  };
  return (
    <main id="contenu" className="accueil">
      <PageTitle>Connexion à votre dossier médical partagé</PageTitle>
      <div role="alert" className="message-area">
        {alert && <p className="message erreur">{alert}</p>}
      </div>
      <div role="status" className="message-area">
        {loggedOut && !alert && <p className="message succes">Vous êtes déconnecté.</p>}
      </div>
      <p>
        Retrouvez vos documents de santé, choisissez qui peut les voir et suivez chaque accès à
        votre dossier.
      </p>
      <p>
        Pour vous connecter, il vous faut votre identifiant (votre numéro INS ou votre adresse
        électronique), votre mot de passe, puis le code à 6 chiffres que nous vous envoyons.
      </p>
      <button type="button" onClick={login} disabled={leaving}>
        {leaving ? 'Redirection vers la connexion…' : 'Se connecter'}
      </button>
      <p>
        <a href="/patient/enrol">Première connexion : activer votre compte</a> avec le code
        d’activation reçu à l’ouverture de votre dossier.
      </p>
    </main>
  );
}

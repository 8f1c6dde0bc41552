import { useEffect } from 'react';
import { LoginFailed, completeLogin } from '../auth/oauth';
import { session } from '../auth/session';
import { BASE, navigate } from '../router';

let completing: Promise<void> | undefined;

/** /portal/callback: the authorization code exchanged once, then the documents (or why not). */
export function CallbackPage() {
  useEffect(() => {
    completing ??= completeLogin(new URL(window.location.href))
      .then((tokens) => session.start(tokens))
      .catch((error: unknown) =>
        session.end({
          failed:
            error instanceof LoginFailed
              ? error.message
              : 'La connexion n’a pas abouti. Réessayez dans quelques instants.',
        }),
      )
      .finally(() => navigate(BASE, { replace: true }));
  }, []);
  return (
    <main id="contenu" className="accueil">
      <h1>Connexion en cours…</h1>
      <p role="status">Nous ouvrons votre dossier.</p>
    </main>
  );
}

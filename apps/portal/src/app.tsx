import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Tokens } from './auth/oauth';
import { session } from './auth/session';
import { Link } from './components/link';
import { AccessPage } from './pages/access-page';
import { CallbackPage } from './pages/callback-page';
import { DocumentPage } from './pages/document-page';
import { DocumentsPage } from './pages/documents-page';
import { HistoryPage } from './pages/history-page';
import { LoginPage } from './pages/login-page';
import { NotFoundPage } from './pages/not-found-page';
import { SettingsPage } from './pages/settings-page';
import { BASE, Route, pathOf, routeOf, useLocation } from './router';

const PatientContext = createContext<Tokens | undefined>(undefined);

/** The logged-in patient's tokens: the record (`patient`) and his role. */
export function usePatient(): Tokens {
  const tokens = useContext(PatientContext);
  if (!tokens) throw new Error('usePatient outside a session');
  return tokens;
}

const NAVIGATION: readonly { readonly route: Route; readonly label: string }[] = [
  { route: { page: 'documents' }, label: 'Mes documents' },
  { route: { page: 'acces' }, label: 'Qui peut voir mon dossier' },
  { route: { page: 'historique' }, label: 'Historique des accès' },
  { route: { page: 'parametres' }, label: 'Paramètres' },
];

export function App() {
  const state = useSyncExternalStore(session.subscribe, session.snapshot);
  const location = useLocation();
  const route = routeOf(location.split('?')[0]);
  if (route.page === 'callback') return <CallbackPage />;
  if (state.kind === 'anonymous') return <LoginPage notice={state.notice} />;
  return (
    <PatientContext.Provider value={state.tokens}>
      <Shell route={route} role={state.tokens.role} />
    </PatientContext.Provider>
  );
}

function Shell({ route, role }: { route: Route; role: Tokens['role'] }) {
  const current = route.page === 'document' ? 'documents' : route.page;
  return (
    <>
      <a className="evitement" href="#contenu">
        Aller au contenu
      </a>
      <header className="entete">
        <div className="entete-haut">
          <p className="marque">
            <Link href={BASE}>Mon dossier médical partagé</Link>
          </p>
          <p className="qui">
            {role === 'REPRESENTANT_LEGAL'
              ? 'Vous agissez comme représentant légal'
              : 'Votre espace'}
          </p>
          <button type="button" className="secondaire" onClick={() => void session.logout()}>
            Se déconnecter
          </button>
        </div>
        <nav aria-label="Menu principal">
          <ul>
            {NAVIGATION.map(({ route: target, label }) => (
              <li key={target.page}>
                <Link
                  href={pathOf(target)}
                  aria-current={current === target.page ? 'page' : undefined}
                >
                  {label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main id="contenu" tabIndex={-1}>
        <Page route={route} />
      </main>
      <footer className="pied">
        <p>
          Dossier médical partagé — vos données de santé restent sous votre contrôle. Chaque accès
          est enregistré dans votre historique.
        </p>
      </footer>
    </>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'documents':
      return <DocumentsPage />;
    case 'document':
      return <DocumentPage key={route.id} id={route.id} />;
    case 'acces':
      return <AccessPage />;
    case 'historique':
      return <HistoryPage />;
    case 'parametres':
      return <SettingsPage />;
    default:
      return <NotFoundPage />;
  }
}

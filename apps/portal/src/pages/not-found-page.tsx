import { Link } from '../components/link';
import { PageTitle } from '../components/page-title';
import { BASE } from '../router';

export function NotFoundPage() {
  return (
    <>
      <PageTitle>Page introuvable</PageTitle>
      <p>
        Cette page n’existe pas. <Link href={BASE}>Revenir à mes documents</Link>.
      </p>
    </>
  );
}

import { useSyncExternalStore } from 'react';

export const BASE = '/portal/';

export type Route =
  | { readonly page: 'documents' }
  | { readonly page: 'document'; readonly id: string }
  | { readonly page: 'acces' }
  | { readonly page: 'historique' }
  | { readonly page: 'parametres' }
  | { readonly page: 'callback' }
  | { readonly page: 'introuvable' };

/** The route of a path under /portal/. */
export function routeOf(pathname: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  const [first = '', second, ...rest] = path.split('/').filter(Boolean);
  if (rest.length > 0) return { page: 'introuvable' };
  if (first === 'documents' && second) return { page: 'document', id: decodeURIComponent(second) };
  if (second !== undefined) return { page: 'introuvable' };
  switch (first) {
    case '':
    case 'documents':
      return { page: 'documents' };
    case 'acces':
    case 'historique':
    case 'parametres':
    case 'callback':
      return { page: first };
    default:
      return { page: 'introuvable' };
  }
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'document':
      return `${BASE}documents/${encodeURIComponent(route.id)}`;
    case 'documents':
      return BASE;
    default:
      return `${BASE}${route.page}`;
  }
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((listener) => listener()));

/** Client-side navigation: the history entry, then every `useLocation` renders again. */
export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  listeners.forEach((listener) => listener());
}

export function useLocation(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => window.location.pathname + window.location.search,
  );
}

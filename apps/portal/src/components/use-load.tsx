import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import { messageOf } from '../fhir/client';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'error'; readonly message?: string }
  | { readonly state: 'ready'; readonly value: T };

/** Loads what a page shows (again when `key` changes, or on `reload`). */
export function useLoad<T>(load: () => Promise<T>, key: string): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const loadNow = useEffectEvent(load);
  useEffect(() => {
    let current = true;
    loadNow().then(
      (value) => current && setLoaded({ state: 'ready', value }),
      (error: unknown) => current && setLoaded({ state: 'error', message: messageOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return [loaded, reload];
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="chargement" role="status">
      Chargement {what}…
    </p>
  );
}

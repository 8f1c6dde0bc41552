import { Tokens, grantIsOver, logout as endSession, refreshTokens } from './oauth';

/** Why the patient is on the login page: shown there in plain words. */
export type Notice = 'expired' | 'logged-out' | { readonly failed: string };

export type SessionState =
  | { readonly kind: 'anonymous'; readonly notice?: Notice }
  | { readonly kind: 'active'; readonly tokens: Tokens };

/** The tokens live in memory, and in sessionStorage so that a reload keeps the tab logged in. */
const STORED = 'passerelle-portal:session';
/** Refresh this long before the access token expires. */
const REFRESH_MARGIN_MS = 60_000;

type Listener = () => void;

/** Sessions are over when the gateway says so: a refused refresh, or a 401 that refreshing does not cure. */
class SessionStore {
  private state: SessionState;
  private readonly listeners = new Set<Listener>();
  private timer?: number;
  private refreshing?: Promise<Tokens | undefined>;

  constructor() {
    const stored = sessionStorage.getItem(STORED);
    const tokens = stored ? (JSON.parse(stored) as Tokens) : undefined;
    this.state = tokens ? { kind: 'active', tokens } : { kind: 'anonymous' };
    if (tokens) this.schedule(tokens);
  }

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): SessionState => this.state;

  start(tokens: Tokens): void {
    this.set({ kind: 'active', tokens });
  }

  /** Back to the login page, saying why. */
  end(notice?: Notice): void {
    this.set({ kind: 'anonymous', notice });
  }

  /** A valid access token, refreshed first when it is about to expire. */
  async accessToken(): Promise<string | undefined> {
    const state = this.state;
    if (state.kind !== 'active') return undefined;
    if (state.tokens.expiresAt - Date.now() > REFRESH_MARGIN_MS / 2) {
      return state.tokens.accessToken;
    }
    return (await this.refresh())?.accessToken;
  }

  /** One refresh at a time; a grant that is over ends the session with the "expired" notice. */
  refresh(): Promise<Tokens | undefined> {
    const state = this.state;
    if (state.kind !== 'active') return Promise.resolve(undefined);
    this.refreshing ??= refreshTokens(state.tokens)
      .then((tokens) => {
        this.set({ kind: 'active', tokens });
        return tokens;
      })
      .catch((error: unknown) => {
        if (!grantIsOver(error)) throw error;
        this.end('expired');
        return undefined;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  async logout(): Promise<void> {
    const state = this.state;
    sessionStorage.removeItem(STORED);
    window.clearTimeout(this.timer);
    if (state.kind === 'active') await endSession(state.tokens);
    else this.end('logged-out');
  }

  private set(state: SessionState): void {
    this.state = state;
    window.clearTimeout(this.timer);
    if (state.kind === 'active') {
      sessionStorage.setItem(STORED, JSON.stringify(state.tokens));
      this.schedule(state.tokens);
    } else {
      sessionStorage.removeItem(STORED);
    }
    for (const listener of this.listeners) listener();
  }

  private schedule(tokens: Tokens): void {
    const delay = Math.max(tokens.expiresAt - Date.now() - REFRESH_MARGIN_MS, 5_000);
    this.timer = window.setTimeout(() => {
      this.refresh().catch(() => {
        // The network failed: the next request tries again, and says so if it fails too.
      });
    }, delay);
  }
}

export const session = new SessionStore();

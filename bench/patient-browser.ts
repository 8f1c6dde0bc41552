import { Pool } from 'undici';

export interface Answer {
  readonly status: number;
  readonly location?: string;
  readonly cookies: readonly string[];
  readonly text: string;
}

/**
 * Keep-alive TLS connections to the gateway without a client certificate: what a patient's
 * browser or app has. Every request is bounded by `timeoutMs`.
 */
export class AnonymousClient {
  private readonly pool: Pool;

  constructor(
    origin: string,
    ca: Buffer,
    connections: number,
    private readonly timeoutMs: number,
  ) {
    this.pool = new Pool(origin, {
      connections,
      connect: { ca },
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  }

  async send(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string> = {},
    body?: string,
  ): Promise<Answer> {
    const response = await this.pool.request({
      method,
      path,
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const { location, 'set-cookie': setCookie } = response.headers;
    return {
      status: response.statusCode,
      location: typeof location === 'string' ? location : undefined,
      cookies: setCookie === undefined ? [] : [setCookie].flat(),
      text: await response.body.text(),
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export interface Page {
  readonly status: number;
  /** Absolute, resolved against the issuer. */
  readonly location?: string;
  readonly html: string;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * A browser without JavaScript on the login pages: keeps the provider's cookies (every cookie
 * sent on every request: the provider scopes them by path, which only narrows them) and
 * follows redirects one by one.
 */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly client: AnonymousClient,
    private readonly issuer: string,
  ) {}

  get(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<Page> {
    return this.request('POST', url, new URLSearchParams(form).toString());
  }

  /** Follows redirects until a page, or until the redirect to `stopAt` (the app's callback). */
  async follow(page: Page, stopAt: string): Promise<Page> {
    let current = page;
    while (isRedirect(current.status) && current.location && !current.location.startsWith(stopAt)) {
      current = await this.get(current.location);
    }
    return current;
  }

  private async request(method: 'GET' | 'POST', url: string, body?: string): Promise<Page> {
    const target = new URL(url, this.issuer);
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const answer = await this.client.send(
      method,
      `${target.pathname}${target.search}`,
      { ...(body === undefined ? {} : FORM), ...(cookie ? { cookie } : {}) },
      body,
    );
    for (const setCookie of answer.cookies) this.keep(setCookie);
    return {
      status: answer.status,
      location: answer.location && new URL(answer.location, target).toString(),
      html: answer.text,
    };
  }

  private keep(setCookie: string): void {
    const [pair] = setCookie.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    if (value === '' || /expires=Thu, 01 Jan 1970/i.test(setCookie)) this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

function isRedirect(status: number): boolean {
  return status >= 301 && status <= 308 && status !== 304;
}

/** The path a form of the login pages posts to (`/patient/interaction/<uid>/<step>`). */
export function formAction(html: string, step: string): string {
  const match = new RegExp(`action="(/patient/interaction/[^/"]+/${step})"`).exec(html);
  if (!match) throw new Error(`No ${step} form in the page: ${html.slice(0, 300)}`);
  return match[1];
}

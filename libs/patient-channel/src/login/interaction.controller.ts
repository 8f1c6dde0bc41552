import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChannelRefusal } from '../accounts/channel-security';
import { EnrolAccount } from '../enrolment/enrol-account';
import { PORTAL_CLIENT_ID } from '../patient-channel-options';
import { PatientChannel } from '../patient-channel';
import { PatientLogin } from './patient-login';
import { codePage, consentPage, enrolPage, enrolledPage, errorPage, loginPage } from './pages';

type Form = Record<string, string | undefined>;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' https:; frame-ancestors 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const PERMISSIONS: Record<string, string> = {
  r: 'lire vos documents et les informations de votre dossier',
  s: 'rechercher dans votre dossier',
  c: 'ajouter des documents à votre dossier',
  u: 'modifier vos documents et gérer les accès à votre dossier',
  d: 'supprimer des documents de votre dossier',
};

/**
 * The login of the patient's channel (DESIGN §9), as the provider's interactions: username and
 * password, then the one-time code; the consent of a third-party app; the enrolment form.
 */
@ApiTags('patient login (HTML forms)')
@ApiProduces('text/html')
@Controller('patient')
export class InteractionController {
  constructor(
    private readonly channel: PatientChannel,
    private readonly login: PatientLogin,
    private readonly enrolment: EnrolAccount,
  ) {}

  @Get('interaction/:uid')
  @ApiOperation({ summary: 'The login page of an authorization request (or its consent page)' })
  async show(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    await this.guarded(response, async () => {
      const details = await this.details(uid, request, response);
      const client = await this.channel.oidc.Client.find(details.params.client_id as string);
      const clientName = client?.clientName ?? String(details.params.client_id);
      if (details.prompt.name === 'login')
        return send(response, 200, loginPage({ uid, clientName }));
      if (client?.clientId === PORTAL_CLIENT_ID) return this.grant(uid, request, response);
      const scopes =
        typeof details.params.scope === 'string' ? details.params.scope.split(' ') : [];
      send(response, 200, consentPage({ uid, clientName, permissions: permissionsOf(scopes) }));
    });
  }

  @Post('interaction/:uid/login')
  @ApiOperation({ summary: 'Username and password; sends the one-time code' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['username', 'password'],
      properties: { username: { type: 'string' }, password: { type: 'string' } },
    },
  })
  async password(
    @Param('uid') uid: string,
    @Body() form: Form,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    await this.guarded(response, async () => {
      await this.loginStep(uid, request, response);
      try {
        const { sentTo } = await this.login.checkPassword(
          uid,
          form.username ?? '',
          form.password ?? '',
          addressOf(request),
        );
        send(response, 200, codePage({ uid, sentTo }));
      } catch (error) {
        if (!(error instanceof ChannelRefusal)) throw error;
        const clientName = 'votre application';
        send(
          response,
          error.status,
          loginPage({ uid, clientName, username: form.username, error: error.message }),
        );
      }
    });
  }

  @Post('interaction/:uid/otp')
  @ApiOperation({ summary: 'The 6-digit one-time code; back to the app on success' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: { type: 'object', required: ['otp'], properties: { otp: { type: 'string' } } },
  })
  async code(
    @Param('uid') uid: string,
    @Body() form: Form,
    @Req() request: Request,
    @Res() response: Response,
  ) {
    await this.guarded(response, async () => {
      await this.loginStep(uid, request, response);
      try {
        const account = await this.login.checkCode(uid, form.otp ?? '', addressOf(request));
        await this.channel.oidc.interactionFinished(
          request,
          response,
          { login: { accountId: account.id, amr: ['pwd', 'otp'] } },
          { mergeWithLastSubmission: false },
        );
      } catch (error) {
        if (!(error instanceof ChannelRefusal)) throw error;
        const expired = /Reconnectez-vous/.test(error.message);
        send(
          response,
          error.status,
          expired
            ? loginPage({ uid, clientName: 'votre application', error: error.message })
            : codePage({ uid, sentTo: 'votre adresse', error: error.message }),
        );
      }
    });
  }

  @Post('interaction/:uid/consent')
  @ApiOperation({ summary: 'The patient allows a third-party app' })
  async consent(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    await this.guarded(response, () => this.grant(uid, request, response));
  }

  @Post('interaction/:uid/abort')
  @ApiOperation({ summary: 'The patient cancels (access_denied to the app)' })
  async abort(@Param('uid') uid: string, @Req() request: Request, @Res() response: Response) {
    await this.guarded(response, async () => {
      await this.details(uid, request, response);
      await this.channel.oidc.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'The patient refused' },
        { mergeWithLastSubmission: false },
      );
    });
  }

  @Get('enrol')
  @ApiOperation({ summary: 'The enrolment form' })
  enrolForm(@Res() response: Response) {
    send(response, 200, enrolPage({}));
  }

  @Post('enrol')
  @ApiOperation({ summary: 'Activates an account with its activation code and sets its password' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['username', 'activation_code', 'password', 'password_confirm'],
      properties: {
        username: { type: 'string' },
        activation_code: { type: 'string' },
        password: { type: 'string' },
        password_confirm: { type: 'string' },
      },
    },
  })
  async enrol(@Body() form: Form, @Req() request: Request, @Res() response: Response) {
    await this.guarded(response, async () => {
      try {
        await this.enrolment.enrol(
          {
            username: form.username ?? '',
            activationCode: form.activation_code ?? '',
            password: form.password ?? '',
            passwordConfirm: form.password_confirm ?? '',
          },
          addressOf(request),
        );
        send(response, 200, enrolledPage());
      } catch (error) {
        if (!(error instanceof ChannelRefusal)) throw error;
        send(response, error.status, enrolPage({ username: form.username, error: error.message }));
      }
    });
  }

  /** The grant of the scopes and resource the app asked for, and back to the provider. */
  private async grant(uid: string, request: Request, response: Response): Promise<void> {
    const details = await this.details(uid, request, response);
    const { Grant } = this.channel.oidc;
    const accountId = details.session?.accountId;
    if (!accountId) throw new ChannelRefusal('Votre session a expiré.', 401);
    const grant = details.grantId
      ? ((await Grant.find(details.grantId)) ??
        new Grant({ accountId, clientId: String(details.params.client_id) }))
      : new Grant({ accountId, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(resource, scopes.join(' '));
    }
    const grantId = await grant.save();
    await this.channel.oidc.interactionFinished(
      request,
      response,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }

  /** A login step: only while the interaction asks for the login (not once it asks consent). */
  private async loginStep(uid: string, request: Request, response: Response) {
    const details = await this.details(uid, request, response);
    if (details.prompt.name !== 'login') {
      throw new ChannelRefusal('Cette étape de connexion n’est plus valable.', 400);
    }
    return details;
  }

  /** The interaction in the browser's cookie, which must be the one in the URL. */
  private async details(uid: string, request: Request, response: Response) {
    const details = await this.channel.oidc.interactionDetails(request, response);
    if (details.uid !== uid)
      throw new ChannelRefusal('Cette page de connexion n’est plus valable.', 400);
    return details;
  }

  /** An expired interaction or a stale page: an error page, never a stack trace. */
  private async guarded(response: Response, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      if (response.headersSent) return;
      if (error instanceof ChannelRefusal)
        return send(response, error.status, errorPage(error.message));
      const oidcError = typeof (error as { error?: unknown }).error === 'string';
      send(
        response,
        oidcError ? 400 : 500,
        errorPage(
          oidcError
            ? 'Cette page de connexion a expiré. Revenez à votre application pour recommencer.'
            : 'Le service est momentanément indisponible. Réessayez dans quelques instants.',
        ),
      );
    }
  }
}

function send(response: Response, status: number, html: string): void {
  response.status(status).set(SECURITY_HEADERS).type('html').send(html);
}

function addressOf(request: Request): string {
  return request.socket.remoteAddress ?? 'unknown';
}

function permissionsOf(scopes: readonly string[]): string[] {
  const letters = new Set(
    scopes.flatMap((scope) => {
      const match = /^patient\/[A-Za-z*]+\.([a-z*]+)$/.exec(scope);
      if (!match) return [];
      const raw = match[1];
      const v2 = raw === 'read' ? 'rs' : raw === 'write' ? 'cud' : raw === '*' ? 'cruds' : raw;
      return v2.split('');
    }),
  );
  return Object.entries(PERMISSIONS)
    .filter(([letter]) => letters.has(letter))
    .map(([, label]) => label);
}

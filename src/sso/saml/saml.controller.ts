import { Controller, Get, Param, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../auth/public.decorator';
import { AppConfig } from '../../config/app-config';
import { SESSION_COOKIE } from '../../auth/session.service';
import { sessionCookieOf } from '../../auth/session-cookie';
import { LOGIN_STATE_COOKIE, loginStateCookieOptions, loginStateOf, newLoginState } from './login-state';
import { AUTOSUBMIT_JS, autoPostPage, clientIp, escapeHtml, page, PAGE_CSS, requestIdOf, wantsHtml } from './saml-http';
import { contentSecurityPolicy } from '../../config/security-headers';
import { DiscoveryService } from './discovery.service';
import { SamlConsumeService } from './saml-consume.service';
import { SamlExceptionFilter } from './saml-exception.filter';
import { SamlLoginService } from './saml-login.service';
import { SamlLogoutService } from './saml-logout.service';
import { SignedIn } from './saml.types';

/**
 * The SP endpoints of every connection (DESIGN.md section 3). Public routes: the identity
 * comes from the connection in the path and the validated assertion, never from RelayState.
 * Errors are answered by SamlExceptionFilter, as JSON or as a page.
 */
@Public()
@UseFilters(SamlExceptionFilter)
@Controller('auth')
export class SamlController {
  constructor(
    private readonly logins: SamlLoginService,
    private readonly consumer: SamlConsumeService,
    private readonly logouts: SamlLogoutService,
    private readonly discovery: DiscoveryService,
    private readonly config: AppConfig,
  ) {}

  /** The SAML pages' stylesheet and auto-submit script, served so the CSP needs no inline code. */
  @Get('assets/page.css')
  stylesheet(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('text/css').send(PAGE_CSS);
  }

  @Get('assets/autosubmit.js')
  autosubmit(@Res() res: Response): void {
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('text/javascript').send(AUTOSUBMIT_JS);
  }

  @Get('saml/:connection/metadata')
  async metadata(@Param('connection') connectionId: string, @Res() res: Response): Promise<void> {
    const xml = await this.logins.metadata(connectionId);
    res.status(200).type('application/samlmetadata+xml').send(xml);
  }

  @Get('saml/:connection/login')
  async login(
    @Param('connection') connectionId: string,
    @Query('returnTo') returnTo: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const browser = loginStateOf(req) ?? newLoginState();
    const message = await this.logins.startLogin(connectionId, returnTo, browser, this.meta(req));
    res.cookie(LOGIN_STATE_COOKIE, browser, loginStateCookieOptions(this.config));
    res.setHeader('Cache-Control', 'no-store');
    if (message.kind === 'redirect') {
      res.redirect(302, message.url);
    } else {
      // POST binding: this page may post to the IdP, and only there.
      res.setHeader(
        'Content-Security-Policy',
        contentSecurityPolicy(this.config, { 'form-action': [new URL(message.url).origin] }),
      );
      res
        .status(200)
        .type('html')
        .send(autoPostPage('Signing you in…', message.url, message.fields));
    }
  }

  @Post('saml/:connection/acs')
  async acs(@Param('connection') connectionId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const signedIn = await this.consumer.consume(
      connectionId,
      (req.body ?? {}) as Record<string, unknown>,
      loginStateOf(req),
      this.meta(req),
    );
    this.setSessionCookie(res, signedIn.cookieValue);
    res.setHeader('Cache-Control', 'no-store');
    if (wantsHtml(req)) {
      // Pending invitations are shown first when the user had nowhere particular to go.
      const next =
        signedIn.pendingInvitations.length > 0 && signedIn.returnTo === '/' ? '/auth/welcome' : signedIn.returnTo;
      res.redirect(303, next);
    } else {
      res.status(200).json(this.signedInJson(signedIn));
    }
  }

  @Get('saml/:connection/slo')
  async sloRedirect(
    @Param('connection') connectionId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.slo(connectionId, req, res);
  }

  @Post('saml/:connection/slo')
  async sloPost(@Param('connection') connectionId: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.slo(connectionId, req, res);
  }

  @Get('discover')
  async discover(@Query('email') email: unknown, @Req() req: Request, @Res() res: Response): Promise<void> {
    const connections = await this.discovery.discover(email);
    if (wantsHtml(req) && connections.length === 1) {
      res.redirect(302, connections[0].loginUrl);
    } else if (wantsHtml(req)) {
      const items = connections
        .map((c) => `<li><a href="${escapeHtml(c.loginUrl)}">${escapeHtml(c.name)}</a></li>`)
        .join('');
      res.type('html').send(page('Choose how to sign in', `<ul>${items}</ul>`));
    } else {
      res.json({ connections });
    }
  }

  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response): Promise<void> {
    const result = await this.logouts.logout(sessionCookieOf(req), this.meta(req));
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    res.setHeader('Cache-Control', 'no-store');
    if (wantsHtml(req)) res.redirect(303, result.logoutUrl ?? '/');
    else res.status(200).json(result);
  }

  /** After sign-in: who is signed in, and the invitations waiting for them. */
  @Get('welcome')
  async welcome(@Req() req: Request, @Res() res: Response): Promise<void> {
    const me = await this.discovery.whoAmI(sessionCookieOf(req));
    res.setHeader('Cache-Control', 'no-store');
    if (!me) {
      res.status(401);
      // Said to someone who may never have signed in: no "session ended". French first.
      if (wantsHtml(req))
        res
          .type('html')
          .send(
            page(
              'Non connecté · Not signed in',
              '<p lang="fr">Vous n’êtes pas connecté. Connectez-vous par le fournisseur d’identité de votre organisation.</p><p lang="en">You are not signed in. Sign in through your organisation’s identity provider.</p>',
            ),
          );
      else res.json({ error: { code: 'NOT_AUTHENTICATED', message: 'Authentication required' } });
      return;
    }
    if (!wantsHtml(req)) {
      res.json(me);
      return;
    }
    // French first, then English, like every page people read.
    const invitations = me.pendingInvitations.length
      ? `<p lang="fr">Invitations en attente :</p><p lang="en">Invitations waiting for you:</p><ul>${me.pendingInvitations
          .map(
            (i) =>
              `<li>${escapeHtml(i.spaceName)} — ${escapeHtml(i.role)} <span lang="fr">(répondre avant le ${escapeHtml(i.expiresAt.toISOString().slice(0, 10))})</span> <span lang="en">(answer by ${escapeHtml(i.expiresAt.toISOString().slice(0, 10))})</span></li>`,
          )
          .join('')}</ul>`
      : '<p lang="fr">Aucune invitation ne vous attend.</p><p lang="en">No invitation is waiting for you.</p>';
    res.type('html').send(
      page(
        `Bienvenue · Welcome, ${me.user.displayName}`,
        `<p lang="fr">Connecté en tant que <code>${escapeHtml(me.user.email)}</code>.</p><p lang="en">Signed in as <code>${escapeHtml(me.user.email)}</code>.</p>${invitations}
<form method="post" action="/auth/logout"><button>Se déconnecter · Sign out</button></form>`,
      ),
    );
  }

  private async slo(connectionId: string, req: Request, res: Response): Promise<void> {
    const originalQuery = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?') + 1) : '';
    const result = await this.logouts.singleLogout(
      connectionId,
      {
        query: (req.query ?? {}) as Record<string, unknown>,
        body: (req.body ?? {}) as Record<string, unknown>,
        originalQuery,
      },
      this.meta(req),
    );
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, result.redirectUrl);
  }

  private signedInJson(s: SignedIn): Record<string, unknown> {
    return { user: s.user, returnTo: s.returnTo, created: s.created, pendingInvitations: s.pendingInvitations };
  }

  private setSessionCookie(res: Response, value: string): void {
    res.cookie(SESSION_COOKIE, value, {
      ...this.cookieOptions(),
      maxAge: this.config.sessionAbsoluteHours * 3_600_000,
    });
  }

  private cookieOptions(): { httpOnly: true; secure: boolean; sameSite: 'lax'; path: string } {
    return { httpOnly: true, secure: this.config.secureCookies, sameSite: 'lax', path: '/' };
  }

  private meta(req: Request): { ip: string | null; requestId: string | null } {
    return { ip: clientIp(req), requestId: requestIdOf(req) };
  }
}

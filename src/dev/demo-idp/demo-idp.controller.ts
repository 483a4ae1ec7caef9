import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../auth/public.decorator';
import { AppConfig } from '../../config/app-config';
import { autoPostPage, escapeHtml, page, wantsHtml } from '../../sso/saml/saml-http';
import { spEndpoints } from '../../sso/saml/saml-urls';
import { DEMO_IDP_PREFIX, DemoIdpService } from './demo-idp.service';

/**
 * A tiny IdP per demo organisation, served only when DEMO_IDP is on (by default only on the
 * embedded database in development; never in production):
 * a page to pick who to be, then a real signed SAMLResponse auto-posted to the SP's ACS.
 */
@Public()
@Controller('demo-idp')
export class DemoIdpController {
  constructor(
    private readonly demo: DemoIdpService,
    private readonly config: AppConfig,
  ) {}

  /** Every demo IdP, each with a link that starts an SP-initiated sign-in. A GET writes nothing: they are made at start-up. */
  @Get()
  async index(@Req() req: Request, @Res() res: Response): Promise<void> {
    if (!this.enabled(res)) return;
    const connections = await this.demo.demoConnections();
    if (asksForJson(req)) {
      // The portal's start page offers them as buttons (development only, like this page).
      // Only on an explicit Accept: application/json; anything else gets the page, as before.
      res.json({
        connections: connections.map((c) => ({
          name: c.organization?.name ?? c.name,
          kind: c.organization?.kind ?? null,
          loginUrl: spEndpoints(this.config, c.id).loginUrl,
        })),
      });
      return;
    }
    const items = connections
      .map(
        (c) =>
          `<li><a href="${escapeHtml(spEndpoints(this.config, c.id).loginUrl)}">${escapeHtml(c.organization?.name ?? c.name)}</a> <small>(${escapeHtml(c.organization?.kind ?? '')})</small></li>`,
      )
      .join('');
    res
      .type('html')
      .send(
        page(
          'Demo sign-in',
          `<p>Local demo identity providers. Choose an organisation, then a person: the sign-in goes through the full SAML path.</p><ul>${items || '<li>None yet: demo IdPs are made when the gateway starts, for each organisation without a connection.</li>'}</ul>`,
        ),
      );
  }

  @Get(':connection/metadata')
  async metadata(@Param('connection') id: string, @Res() res: Response): Promise<void> {
    if (!this.enabled(res)) return;
    const connection = await this.demo.demoConnection(id);
    if (!connection?.metadataXml)
      return void res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Not found' } });
    res.type('application/samlmetadata+xml').send(connection.metadataXml);
  }

  /** The SSO endpoint (HTTP-Redirect binding): who do you want to be? */
  @Get(':connection/sso')
  async sso(
    @Param('connection') id: string,
    @Query('SAMLRequest') samlRequest: string | undefined,
    @Query('RelayState') relayState: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.enabled(res)) return;
    const connection = await this.demo.demoConnection(id);
    if (!connection)
      return void res.status(404).type('html').send(page('Unknown demo IdP', '<p>No such demo identity provider.</p>'));
    const request = this.demo.parseAuthnRequest(samlRequest);
    const people = await this.demo.people(connection);
    const hidden = (name: string, value: string | null | undefined) =>
      value ? `<input type="hidden" name="${name}" value="${escapeHtml(value)}">` : '';
    const rows = people
      .map(
        (u) =>
          `<li><form method="post" action="${DEMO_IDP_PREFIX}/${escapeHtml(connection.id)}/sso">${hidden('userId', u.id)}${hidden('inResponseTo', request.id)}${hidden('relayState', relayState)}<button>${escapeHtml(u.displayName)}</button> <code>${escapeHtml(u.email)}</code>${u.roles.length ? ` <small>${escapeHtml(u.roles.join(', '))}</small>` : ''}${u.status !== 'ACTIVE' ? ' <small>(disabled)</small>' : ''}</form></li>`,
      )
      .join('');
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(
        page(
          `${connection.organization?.name ?? ''} — demo IdP`,
          `<p>This demo identity provider signs a real SAML assertion for the person you pick.</p><ul>${rows || '<li>No one in this organisation yet.</li>'}</ul>`,
        ),
      );
  }

  /** The person was picked: a signed response, auto-posted to the ACS. */
  @Post(':connection/sso')
  async pick(
    @Param('connection') id: string,
    @Body() body: Record<string, string> | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.enabled(res)) return;
    const connection = await this.demo.demoConnection(id);
    const form = body ?? (req.body as Record<string, string>) ?? {};
    const result = connection
      ? await this.demo.respond(
          connection,
          String(form.userId ?? ''),
          form.inResponseTo ? String(form.inResponseTo) : null,
        )
      : null;
    if (!result)
      return void res.status(404).type('html').send(page('Unknown person', '<p>No such person at this demo IdP.</p>'));
    res.setHeader('Cache-Control', 'no-store');
    const fields: Record<string, string> = {
      SAMLResponse: result.samlResponse,
      ...(form.relayState ? { RelayState: String(form.relayState) } : {}),
    };
    res
      .status(200)
      .type('html')
      .send(autoPostPage('Signing you in…', result.acsUrl, fields));
  }

  /** Single logout at the demo IdP: nothing to end here, back to the gateway. */
  @Get(':connection/slo')
  slo(@Res() res: Response): void {
    if (!this.enabled(res)) return;
    res.redirect(302, '/');
  }

  private enabled(res: Response): boolean {
    if (this.config.demoIdp && !this.config.isProduction) return true;
    res.status(404).json({ error: { code: 'NOT_FOUND', message: 'Not found' } });
    return false;
  }
}

/** An explicit ask for JSON (the portal's fetch), not a browser or a client without Accept. */
function asksForJson(req: Request): boolean {
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !wantsHtml(req);
}

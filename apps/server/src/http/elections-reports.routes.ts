/**
 * Turnout and exports for officers, admins and auditors (domain policy `election.view_turnout`):
 * `GET /api/elections/:id/turnout` (eligible, voted, by group, time series) and
 * `GET /api/elections/:id/export/{turnout,results}.{csv,xlsx,pdf}`. Counts only — never a choice, never
 * a voter. Results exports need the tally's stored result and carry the record hash and the verifier's
 * verdict; before that they answer 409 RESULTS_UNAVAILABLE.
 */
import type { FastifyInstance } from 'fastify';
import type { ElectionsModule } from '../domain/elections/elections-module.js';
import { renderCsv } from '../domain/elections/export-csv.js';
import {
  type ExportDocument,
  resultsDocument,
  turnoutDocument,
} from '../domain/elections/export-document.js';
import { renderPdf } from '../domain/elections/export-pdf.js';
import { renderXlsx } from '../domain/elections/export-xlsx.js';
import { computeTurnout, type TurnoutInterval } from '../domain/elections/turnout.js';
import { can } from '../policies/domain-policy.js';
import type { PolicyContext } from '../policies/policy-context.js';
import { loadElection } from './elections.routes.js';
import { type ExportFile, exportParams, turnoutQuery, turnoutSchema } from './elections.schemas.js';
import { appError, enforce } from './error-mapper.js';
import { requireActor } from './request-actor.js';
import { errorResponses, idParamsSchema } from './schemas.js';

const MEDIA: Record<string, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
};

async function render(doc: ExportDocument, format: string, now: Date): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(`\uFEFF${renderCsv(doc)}`, 'utf8');
  if (format === 'xlsx') return renderXlsx(doc);
  return renderPdf(doc, now);
}

export function registerElectionReportRoutes(
  app: FastifyInstance,
  module: ElectionsModule,
  policy: PolicyContext,
): void {
  const tags = ['elections'];

  app.get<{ Params: { id: string }; Querystring: { interval: TurnoutInterval } }>(
    '/api/elections/:id/turnout',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Turnout: eligible, voted, percentage, by group, ballots per interval (no choices)',
        params: idParamsSchema,
        querystring: turnoutQuery,
        response: { 200: turnoutSchema, ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const e = await loadElection(module, request.params.id);
      enforce(can(policy, actor, 'election.view_turnout', { kind: 'election', state: e.state }));
      reply.header('cache-control', 'no-store');
      return computeTurnout(
        module.db,
        module.participation,
        e,
        request.query.interval,
        new Date(module.clock()),
      );
    },
  );

  app.get<{ Params: { id: string; file: ExportFile } }>(
    '/api/elections/:id/export/:file',
    {
      config: { policy: 'staff' },
      schema: {
        tags,
        summary: 'Export turnout or results as CSV, XLSX or PDF (results: with record hash and verdict)',
        params: exportParams,
        produces: Object.values(MEDIA),
        response: {
          200: { description: 'the file', type: 'string', format: 'binary' },
          ...errorResponses(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request);
      const e = await loadElection(module, request.params.id);
      enforce(can(policy, actor, 'election.view_turnout', { kind: 'election', state: e.state }));
      const [kind, format] = request.params.file.split('.') as ['turnout' | 'results', string];
      const now = new Date(module.clock());
      let doc: ExportDocument;
      if (kind === 'turnout') {
        doc = turnoutDocument(await computeTurnout(module.db, module.participation, e, '1h', now));
      } else {
        enforce(can(policy, actor, 'election.view_results', { kind: 'election', state: e.state }));
        const source = module.results();
        if (!source)
          throw appError('RESULTS_UNAVAILABLE', 'Results exports are not available on this server');
        const results = await source.resultsFor(e.id);
        if (!results) throw appError('RESULTS_UNAVAILABLE', `No result yet: the election is ${e.state}`);
        doc = resultsDocument(e.id, results);
      }
      const body = await render(doc, format, now);
      const stamp = now.toISOString().slice(0, 10);
      return reply
        .header('content-type', MEDIA[format])
        .header('content-disposition', `attachment; filename="election-${e.id}-${kind}-${stamp}.${format}"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(body);
    },
  );
}

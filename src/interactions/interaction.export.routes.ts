import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PARAMS, ref } from '../rest/schema';
import { streamRoute, type RestRoute } from '../rest/route';
import { EXPORT_ORDERS, exportText, type ExportFormat, type ExportOrder } from './interaction.export';
import { parseInteractionFilter } from './interaction.filter';
import { FILTER_PARAMS, filterOf } from './interaction.routes';

/** CSV when the client asks for text/csv (Accept), NDJSON otherwise. */
function formatOf(accept: string | undefined): ExportFormat {
  return /(^|,)\s*text\/csv\b/i.test(accept ?? '') ? 'csv' : 'ndjson';
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/**
 * `GET /api/interactions/export`: every interaction matching the list's filters, in the list's order, streamed. The
 * filter is checked before anything is sent (a bad one is a JSON 400); after that the answer is written chunk by
 * chunk as the client reads it (docs/adr/032). A client that goes away ends the reads.
 */
export const exportRoutes: RestRoute[] = [
  streamRoute({
    method: 'get',
    path: '/api/interactions/export',
    summary: 'Export every interaction matching the list filters, newest first or in feed order, as NDJSON or CSV',
    description:
      'Streams the matches of the same filters as GET /api/interactions, in its order, read in keyset chunks with ' +
      'backpressure (memory stays constant whatever the size). `Accept: text/csv` answers RFC 4180 CSV (a header ' +
      'line, CRLF, quoting as needed, interaction and externalResponse as JSON text); anything else NDJSON, one list ' +
      "item a line. Rows recorded while the export runs are not included. `order=feed` exports in the live feed's " +
      'order instead (oldest first, the order checkpoints seal rows in), each row with its `feedCursor`: the input ' +
      'of the offline verifier (docs/integrity.md).',
    scope: 'read',
    params: [
      ...FILTER_PARAMS,
      PARAMS.query(
        'order',
        "`list` (default): newest first, as the list. `feed`: the live feed's order, oldest first, each row with " +
          'its `feedCursor` (a last column in CSV).',
        { enum: [...EXPORT_ORDERS] },
      ),
    ],
    errors: ['VALIDATION_ERROR'],
    produces: {
      'application/x-ndjson': ref('InteractionExportItem'),
      'text/csv': { type: 'string', description: 'A header line, then one line per interaction.' },
    },
    async handle(request, context, res) {
      await context.chargeRateLimit('read', 1);
      const filter = filterOf(request);
      parseInteractionFilter(filter);
      const format = formatOf(res.req.headers.accept);
      const order = (request.query.order as ExportOrder | undefined) ?? 'list';
      res.status(200);
      res.setHeader('content-type', CONTENT_TYPE[format]);
      res.setHeader(
        'content-disposition',
        `attachment; filename="interactions.${format === 'csv' ? 'csv' : 'ndjson'}"`,
      );
      res.setHeader('cache-control', 'no-store');
      try {
        await pipeline(Readable.from(exportText(context.db, { filter, format, order })), res);
      } catch (error) {
        // The client went away: nothing to answer, and nothing went wrong on this side.
        if (res.destroyed || res.req.destroyed) return;
        throw error;
      }
    },
  }),
];

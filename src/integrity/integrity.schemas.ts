import type { JsonSchema } from '../rest/route';
import { MAX_INT, dateTime, nullable, object, ref, uuid } from '../rest/schema';

const hex64: JsonSchema = { type: 'string', pattern: '^[0-9a-f]{64}$' };

/** The members of a checkpoint as the API answers it. */
const checkpointProperties: Record<string, JsonSchema> = {
  seq: { type: 'integer', minimum: 1 },
  after: { type: 'string', description: 'Feed cursor the range starts after ("0": the start of the log).' },
  through: { type: 'string', description: "Feed cursor of the range's last row." },
  rowCount: { type: 'integer', minimum: 1 },
  merkleRoot: { ...hex64, description: 'RFC 6962 tree hash of the rows in feed order.' },
  previousHash: { ...hex64, description: 'checkpointHash of the previous checkpoint (zeros for the first).' },
  checkpointHash: { ...hex64, description: 'SHA-256 of the signed body.' },
  keyId: { type: 'string', description: 'Id of the Ed25519 signing key.' },
  signature: { type: 'string', description: 'Ed25519 signature of the canonical body, base64.' },
  sealedAt: dateTime,
};

/** The component schemas of the integrity routes (OpenAPI `components.schemas`): they document and validate. */
export const INTEGRITY_SCHEMAS = {
  IntegrityCheckpoint: object(
    checkpointProperties,
    'A signed checkpoint over a closed range of the feed (docs/integrity.md).',
  ),
  IntegrityCheckpointPage: object({
    data: { type: 'array', items: ref('IntegrityCheckpoint'), description: 'Newest first.' },
    nextBefore: nullable('integer', { description: 'Pass as `before` for the next (older) page; null at the end.' }),
    keyId: nullable('string', { description: 'Key this service signs with; null when sealing is off.' }),
    publicKey: nullable('string', {
      description: 'Its public key (PEM). A verifier holds its own copy: one read from the service proves nothing.',
    }),
  }),
  IntegrityBundleLine: {
    type: 'object',
    description: 'One line of GET /api/integrity/checkpoints/export: a checkpoint with its leaves in tree order.',
    properties: {
      ...checkpointProperties,
      leaves: {
        type: 'array',
        items: object({
          interactionId: uuid,
          interactionNumber: { type: 'integer', minimum: 1 },
          createdDate: dateTime,
          leafHash: hex64,
          fieldHints: { type: 'string', pattern: '^([0-9a-f]{4})*$', description: '2 bytes a field, hex.' },
        }),
      },
    },
    required: [...Object.keys(checkpointProperties), 'leaves'],
    additionalProperties: false,
  },
  InteractionProof: object({
    interactionId: uuid,
    checkpoint: ref('IntegrityCheckpoint'),
    leafIndex: { type: 'integer', minimum: 0 },
    treeSize: { type: 'integer', minimum: 1 },
    leafHash: hex64,
    path: { type: 'array', items: hex64, description: 'Sibling hashes from the leaf up (RFC 6962 audit path).' },
    canonical: nullable('string', { description: "The row's canonical JSON as stored now; null when it is gone." }),
    matches: { type: 'boolean', description: 'Whether the row as stored now hashes to the sealed leaf.' },
  }),
  VerifyIntegrity: {
    type: 'object',
    properties: {
      from: { type: 'integer', minimum: 1, maximum: MAX_INT, description: 'First checkpoint (default 1).' },
      to: { type: 'integer', minimum: 1, maximum: MAX_INT, description: 'Last checkpoint (default the latest).' },
    },
    additionalProperties: false,
  },
  IntegrityVerifyReport: object({
    ok: { type: 'boolean' },
    checkpoints: { type: 'integer', minimum: 0 },
    rows: { type: 'integer', minimum: 0 },
    archivedRows: { type: 'integer', minimum: 0 },
    fromCheckpoint: nullable('integer'),
    throughCheckpoint: nullable('integer'),
    problems: {
      type: 'array',
      items: object({
        kind: {
          enum: [
            'checkpoint-missing',
            'checkpoint-altered',
            'checkpoint-signature',
            'checkpoint-chain',
            'leaves-altered',
            'row-altered',
            'row-missing',
            'row-inserted',
            'rows-reordered',
            'archive-unreadable',
          ],
        },
        checkpoint: { type: 'integer' },
        interactionId: nullable('string'),
        interactionNumber: nullable('integer'),
        fields: { type: 'array', items: { type: 'string' } },
        message: { type: 'string' },
      }),
    },
  }),
  IntegrityLastVerify: object(
    {
      report: { oneOf: [ref('IntegrityVerifyReport'), { type: 'null' }] },
      verifiedAt: { ...nullable('string', { format: 'date-time' }), description: 'When it ended.' },
      durationMs: nullable('integer', { minimum: 0, description: 'How long it ran, in milliseconds.' }),
      verifiedBy: nullable('string', { description: 'Name of the API key that ran it.' }),
    },
    'The last verification of the sealed log (POST /api/integrity/verify): every field is null before the first.',
  ),
} satisfies Record<string, JsonSchema>;

import type { Database } from '../db/database';
import { verifyLog, type VerifyOptions, type VerifyReport } from './verify';

/** The last verification of the sealed log, as stored (ADR 102): what the console's Integrity page shows. */
export interface LastIntegrityVerify {
  report: VerifyReport;
  /** When it ended. */
  verifiedAt: Date;
  durationMs: number;
  /** Name of the key that ran it (null when run without one). */
  verifiedBy: string | null;
}

export interface RunIntegrityVerifyOptions extends VerifyOptions {
  /** Name of the key asking, stored with the report. */
  verifiedBy?: string | null;
}

/**
 * Verifies the sealed log (verifyLog) and stores the report as the last verification, replacing the one before, so
 * that every instance and every reload shows the same result. A verification that fails to run stores nothing.
 */
export async function runIntegrityVerify(
  db: Database,
  { verifiedBy = null, ...options }: RunIntegrityVerifyOptions,
): Promise<VerifyReport> {
  const started = performance.now();
  const report = await verifyLog(db.sql, options);
  const durationMs = Math.round(performance.now() - started);
  // Two verifications ending together: the later write wins, and either is a true "last result".
  await db.sql.query(
    `INSERT INTO integrity_verify_state (id, report, verified_at, duration_ms, verified_by)
     VALUES (1, $1::jsonb, now(), $2, $3)
     ON CONFLICT (id) DO UPDATE SET report = EXCLUDED.report, verified_at = EXCLUDED.verified_at,
       duration_ms = EXCLUDED.duration_ms, verified_by = EXCLUDED.verified_by`,
    [JSON.stringify(report), durationMs, verifiedBy],
  );
  return report;
}

/** The last verification stored by runIntegrityVerify, or null before the first. */
export async function getLastIntegrityVerify(db: Database): Promise<LastIntegrityVerify | null> {
  const [row] = await db.sql.query<{
    report: VerifyReport;
    verifiedAt: Date;
    durationMs: number;
    verifiedBy: string | null;
  }>(
    `SELECT report, verified_at AS "verifiedAt", duration_ms AS "durationMs", verified_by AS "verifiedBy"
     FROM integrity_verify_state WHERE id = 1`,
  );
  if (!row) return null;
  return {
    report: row.report,
    verifiedAt: new Date(row.verifiedAt),
    durationMs: row.durationMs,
    verifiedBy: row.verifiedBy,
  };
}

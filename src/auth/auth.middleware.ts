import type { NextFunction, Request, Response } from 'express';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { authenticateApiKey } from './api-key.service';
import type { Principal } from './scopes';

declare module 'express-serve-static-core' {
  interface Request {
    /** The caller, set by `authenticate` from the x-api-key header. */
    principal?: Principal;
  }
}

/**
 * Resolves `x-api-key` to the caller; with no key, or an unknown or revoked one, calls `reject` with
 * UNAUTHENTICATED. Scopes are checked later, by the operation that needs them.
 */
export function authenticate(db: Database, reject: (res: Response, error: AppError) => void) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.headers['x-api-key'];
    if (typeof key !== 'string' || key === '') {
      return reject(res, new AppError('UNAUTHENTICATED', 'An API key is required (x-api-key header)'));
    }
    try {
      const principal = await authenticateApiKey(db, { key });
      if (!principal) return reject(res, new AppError('UNAUTHENTICATED', 'Unknown or revoked API key'));
      req.principal = principal;
      next();
    } catch (error) {
      next(error);
    }
  };
}

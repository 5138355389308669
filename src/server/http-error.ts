import type { Issue } from '../core/index.js';

/** An HTTP status the server answers on purpose (bad input, not found, too large...), with optional field-level issues. */
export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429 | 501 | 503 | 504;
  readonly issues: readonly Issue[] | undefined;
  constructor(status: HttpError['status'], message: string, issues?: readonly Issue[]) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.issues = issues;
  }
}

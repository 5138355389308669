import { InputError } from '../core/index.js';
import { StoreError } from '../store/store-error.js';
import type { ErrorBody } from './error-body.js';
import { HttpError } from './http-error.js';

export interface MappedError {
  status: 400 | 401 | 403 | 404 | 405 | 413 | 415 | 422 | 429 | 500 | 501 | 503 | 504;
  body: ErrorBody;
  /** True when the error is a bug or an outage the operator should see in the log. */
  log: boolean;
}

/**
 * The one place where an error becomes a status code and a JSON body. Refused input is a 400 with
 * the same issues the CLI prints; anything unexpected is a 500 with a fixed message, never a stack.
 */
export function errorResponse(err: unknown): MappedError {
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: { status: err.status, message: err.message } };
    if (err.issues) body.error.issues = [...err.issues];
    return { status: err.status, body, log: false };
  }
  if (err instanceof InputError) {
    return { status: 400, body: { error: { status: 400, message: 'invalid input', issues: [...err.issues] } }, log: false };
  }
  if (err instanceof URIError) {
    return { status: 400, body: { error: { status: 400, message: 'the URL is not valid percent-encoding' } }, log: false };
  }
  if (err instanceof StoreError) {
    return { status: 503, body: { error: { status: 503, message: 'the run store is not available' } }, log: true };
  }
  return { status: 500, body: { error: { status: 500, message: 'internal error (logged on the server)' } }, log: true };
}

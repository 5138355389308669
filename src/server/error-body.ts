import type { Issue } from '../core/index.js';

/** The JSON body of every error response: a status, a message for people, and the field-level issues when the input was refused. */
export interface ErrorBody {
  error: {
    status: number;
    message: string;
    issues?: Issue[];
  };
}

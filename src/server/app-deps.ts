import type { SourceDocument } from '../core/index.js';
import type { ReplicationRunner } from '../sim/index.js';
import type { RunStore } from '../store/index.js';
import type { AccessPolicy } from './request-guard.js';
import type { WorkPool } from './work-pool.js';

/** A request body as read: the value, and the document when it came as YAML (for line numbers). */
export interface BodyInput {
  value: unknown;
  doc: SourceDocument | undefined;
}

/** Plan search behind `POST /api/search` (one request's query applied): resolves to JSON, or throws an InputError for a bad spec. */
export type SearchHandler = (input: BodyInput) => Promise<unknown>;

/** Builds the search handler for one request from its query (`top`, `objective`). */
export type SearchFactory = (query: { top?: string | undefined; objective?: string | undefined }) => SearchHandler;

/** Campaign start behind `POST /api/runs` (body `undefined` when empty): resolves to at least the new run's id. */
export type StartRunHandler = (input: BodyInput, store: RunStore) => Promise<{ id: string } & Record<string, unknown>>;

/** Builds the campaign handler for one request from its query (`seed`). */
export type StartRunFactory = (query: { seed?: string | undefined }) => StartRunHandler;

/** What the app needs from the outside world; every field has a default, so `createApp()` works in tests. */
export interface AppDeps {
  /** The run store, opened on first use. Absent: the runs endpoints answer 503. */
  store?: () => RunStore;
  /** Runs simulator replications (worker threads under `colossus serve`). Default: this thread. Called one batch at a time. */
  runner?: ReplicationRunner;
  /** The validation cases as JSON Lines. Default: the bundled data/validation/public-cases.jsonl. */
  validationCases?: () => string;
  /** Folder of the built dashboard (index.html and assets). `null`: no dashboard. Default: dist/web when built. */
  webDir?: string | null;
  /** Largest request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Most replications one `POST /api/simulate` may ask for. Default 100. */
  maxReplications?: number;
  /** Most specs in one `POST /api/estimate` array. Default 1000. */
  maxSpecs?: number;
  /** Plan search. Default: `src/search` in this thread; `null` turns the endpoint off (501). */
  search?: SearchFactory | null;
  /** Campaign runs. Default: `src/campaign` in this thread, one at a time; `null` turns `POST /api/runs` off (501). */
  startRun?: StartRunFactory | null;
  /** Worker threads for the POST routes (estimate, search, simulate, runs); absent: this thread. */
  pool?: WorkPool;
  /** Allowed origins and the optional token (default: loopback only, no token). */
  access?: AccessPolicy;
  /** Where unexpected errors are logged (never sent to the client). Default: console.error. */
  logError?: (err: unknown, where: string) => void;
}

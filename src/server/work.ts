import { InputError, checkedResult, type Issue, type SourceDocument } from '../core/index.js';
import { estimate, estimateIssues, type Estimate } from '../model/index.js';
import { inProcessRunner, parseScenario, summarizeReplications, type ReplicationRunner } from '../sim/index.js';
import { parseSpecValue } from '../spec/index.js';
import { StoreError, writeRecoveryFile, type RunInput, type RunStore } from '../store/index.js';
import type { SearchFactory } from './app-deps.js';
import { errorResponse } from './error-response.js';
import { HttpError } from './http-error.js';
import { planSearch } from './plan-search.js';
import { parseBodyText } from './read-body.js';
import { resolveStepTimeS } from '../search/index.js';
import { computeCampaign } from './start-campaign.js';

/** The expensive POST routes; each parses its body and computes in one place (this thread or a worker). */
export type WorkKind = 'estimate' | 'search' | 'simulate' | 'campaign';

/** One request as a worker receives it: plain data, so it can cross a thread boundary. */
export interface WorkRequest {
  kind: WorkKind;
  query: Record<string, string | undefined>;
  /** Media type of the body (lower case, no parameters). */
  type: string | undefined;
  text: string;
}

/** What comes back: the JSON answer, already serialised (so the server's thread only forwards text). */
export interface WorkAnswer {
  status: number;
  text: string;
  headers?: Record<string, string>;
  /** An unexpected error's stack, for the server log (never sent to the client). */
  logged?: string;
}

/** Saves a computed campaign run; throws StoreError when it cannot. */
export type SaveRun = (record: RunInput) => { id: string; createdAt: string };

/** An answer from a status and a JSON value. */
export function jsonAnswer(status: number, body: unknown, headers?: Record<string, string>): WorkAnswer {
  const a: WorkAnswer = { status, text: JSON.stringify(body) };
  if (headers) a.headers = headers;
  return a;
}

export interface WorkLimits {
  maxSpecs: number;
  maxReplications: number;
}

/** `POST /api/estimate`: one spec → one estimate; an array → answers in order, invalid elements as `{error}`. */
export function estimateJson(value: unknown, doc: SourceDocument | undefined, maxSpecs: number): unknown {
  if (!Array.isArray(value)) {
    const r = parseSpecValue(value, doc);
    if (!r.ok) throw new InputError(r.issues);
    const e = estimate(r.spec);
    const broken = estimateIssues(e);
    if (broken.length > 0) throw new InputError(broken);
    return e;
  }
  if (value.length === 0) throw new HttpError(400, 'the array of specs is empty', [{ path: '', message: 'is empty', expected: 'at least one spec' }]);
  if (value.length > maxSpecs) {
    throw new HttpError(413, `too many specs in one request (at most ${maxSpecs})`, [
      { path: '', message: 'has too many specs', expected: `at most ${maxSpecs}`, received: String(value.length) },
    ]);
  }
  const issues: Issue[] = [];
  const out = value.map((v: unknown, i) => {
    const r = parseSpecValue(v, doc, [i]);
    const e = r.ok ? estimate(r.spec) : undefined;
    const bad = r.ok ? estimateIssues(e as Estimate).map((x) => ({ ...x, path: `[${i}].${x.path}` })) : r.issues;
    if (bad.length === 0) return e as Estimate;
    issues.push(...bad);
    return { error: { message: r.ok ? 'the spec gives a result that is not physical' : 'invalid spec', issues: bad } };
  });
  if (out.every((o) => 'error' in o)) throw new InputError(issues);
  return out;
}

/** `POST /api/simulate`: a scenario → the same summary as `colossus simulate --json`. */
export async function simulateJson(value: unknown, doc: SourceDocument | undefined, maxReplications: number, runner: ReplicationRunner): Promise<unknown> {
  const r = parseScenario(doc, value, { resolveStepTimeS });
  if (!r.ok) throw new InputError(r.issues);
  const sc = r.scenario;
  if (sc.replications > maxReplications) {
    throw new InputError([
      { path: 'replications', message: 'is more than this server runs in one request', expected: `at most ${maxReplications}`, received: String(sc.replications) },
    ]);
  }
  const reps = await runner(sc.job, sc.seed, sc.replications);
  return checkedResult('simulation', summarizeReplications(sc, reps), [], 'job.stepTimeS, job.days, job.targetSteps and reliability');
}

/** True for the body `{"bundled": true}`: play the bundled Colossus scenario. */
export function isBundledRequest(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && (value as { bundled?: unknown }).bundled === true;
}

/**
 * Do one request's work from its plain-data form: parse the body (document limits included),
 * compute, and map any error to its status and JSON body exactly as the app's error handler does.
 * Never throws. Runs in a worker thread under `colossus serve`, or in this thread.
 */
export async function doWork(req: WorkRequest, limits: WorkLimits, save: SaveRun | undefined, search: SearchFactory = planSearch, runner: ReplicationRunner = inProcessRunner): Promise<WorkAnswer> {
  try {
    const { value, doc } = parseBodyText(req.type, req.text);
    switch (req.kind) {
      case 'estimate':
        return jsonAnswer(200, estimateJson(value, doc, limits.maxSpecs));
      case 'search':
        return jsonAnswer(200, await search({ top: req.query['top'], objective: req.query['objective'] })({ value, doc }));
      case 'simulate':
        return jsonAnswer(200, await simulateJson(value, doc, limits.maxReplications, runner));
      case 'campaign': {
        if (!save) throw new HttpError(503, 'no run store is configured on this server');
        const bundled = isBundledRequest(value);
        const { record, summary } = computeCampaign({ seed: req.query['seed'] }, bundled ? { value: undefined, doc: undefined } : { value, doc });
        const { id, createdAt } = save(record);
        return jsonAnswer(201, { id, createdAt, summary }, { location: `/api/runs/${encodeURIComponent(id)}` });
      }
    }
  } catch (err) {
    const mapped = errorResponse(err);
    const answer = jsonAnswer(mapped.status, mapped.body);
    if (mapped.log) answer.logged = err instanceof Error ? (err.stack ?? err.message) : String(err);
    return answer;
  }
}

/**
 * A SaveRun on a store opened on first use: a run that cannot be saved is written to a recovery
 * file beside the store and the answer is a 503 naming it (the computed run is never discarded).
 */
export function savingTo(storePath: string, openStore: () => RunStore): SaveRun {
  let store: RunStore | undefined;
  return (record) => {
    try {
      store ??= openStore();
      return store.saveRun(record);
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      let where = 'and no recovery file could be written';
      try {
        const file = writeRecoveryFile(storePath, record, err.message);
        where = `it was written to ${file} (colossus runs import ${file} saves it)`;
      } catch {
        // keep the message above
      }
      throw new HttpError(503, `the run was computed but could not be saved (${err.message}): ${where}`);
    }
  };
}

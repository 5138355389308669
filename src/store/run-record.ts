/** One step of the capacity timeline as stored: from `day` on, `gpusOnline[type]` GPUs online. */
export interface RunTimelinePoint {
  day: number;
  gpusOnline: Readonly<Record<string, number>>;
}

/** Something that happened during a run (a milestone, a failure, a restart...). */
export interface RunEvent {
  day: number;
  kind: string;
  /** Any JSON-serialisable detail. */
  data?: unknown;
}

/** What `saveRun` takes. Everything but `name` and `summary` is optional. */
export interface RunInput {
  /** A human label, e.g. the scenario's name. */
  name: string;
  /** The JSON summary (milestones, training, energy, cost); listed by `listRuns`. */
  summary: unknown;
  /** The resolved scenario the run was made from (JSON). */
  scenario?: unknown;
  timeline?: readonly RunTimelinePoint[];
  events?: readonly RunEvent[];
  /** Named JSON documents (e.g. the full result, chart series). */
  blobs?: Readonly<Record<string, unknown>>;
}

/** A run as listed: without its timeline, events and blobs. */
export interface RunListing {
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  name: string;
  summary: unknown;
}

/** A run as read back in full. */
export interface StoredRun extends RunListing {
  scenario: unknown;
  timeline: RunTimelinePoint[];
  events: RunEvent[];
  blobs: Record<string, unknown>;
}

/**
 * Physical upper (and lower) bounds on what a simulator scenario may ask for, each with its reason.
 * They keep every run finite and its cost bounded; none is near a real cluster or job.
 */
export const SIM_BOUNDS = {
  /** Largest cluster the event simulator takes. */
  maxGpus: 10_000_000,
  maxGpusWhy: 'the simulator follows every node; 10,000,000 GPUs is 50x the largest cluster built (Colossus, 200,000)',
  /** Shortest step. */
  minStepTimeS: 1e-6,
  maxStepTimeS: 86_400,
  stepTimeWhy: 'no training step is shorter than a microsecond or longer than a day',
  /** Most target steps. */
  maxTargetSteps: 1e15,
  targetStepsWhy: '1e15 steps of a microsecond each would take 31 years',
  /** Shortest horizon. */
  minDays: 1 / 1440,
  daysWhy: 'a horizon from one minute to ten years',
  /** Most failure events one request may simulate (expected failures per replication x replications). */
  maxExpectedFailures: 200_000_000,
} as const;

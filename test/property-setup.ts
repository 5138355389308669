import fc from 'fast-check';
import { propertyRuns } from './property-runs.js';

// Property tests that do not name their numRuns draw fast-check's default 100, scaled the same way.
fc.configureGlobal({ numRuns: propertyRuns(100) });

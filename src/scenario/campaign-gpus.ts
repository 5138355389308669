import { GPU_IDS } from '../catalog/gpus.js';
import { defaultCapitalCosts } from '../energy/capital-cost.js';
import { defaultPowerProfiles } from '../energy/power-profile.js';

/** GPU types a campaign can build with: in the catalog, with a power profile and a capital cost. */
export const CAMPAIGN_GPU_IDS: readonly string[] = GPU_IDS.filter(
  (id) => Object.hasOwn(defaultPowerProfiles, id) && Object.hasOwn(defaultCapitalCosts, id),
);

import type { Scenario } from '../lib/scenario';
import { selectiveList } from './selective-list';

/** Every scenario, in run order; add a file under bench/scenarios/ and list it here. */
export const SCENARIOS: Scenario[] = [selectiveList];

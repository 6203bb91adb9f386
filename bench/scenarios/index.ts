import type { Scenario } from '../lib/scenario';
import { clientSideBaseline } from './client-side-baseline';
import { customResources } from './custom-resources';
import { harikubeChallenge } from './harikube-challenge';
import { provisioning } from './provisioning';
import { selectiveList } from './selective-list';
import { watchFanout } from './watch-fanout';
import { writes } from './writes';

/** Every scenario, in run order; add a file under bench/scenarios/ and list it here. */
export const SCENARIOS: Scenario[] = [selectiveList, clientSideBaseline, customResources, harikubeChallenge, provisioning, watchFanout, writes];

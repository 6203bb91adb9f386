import { InitialControlSchema1732400000000 } from './1732400000000-initial-control-schema';

/** Every migration of the `kplane` schema, in order. */
export const CONTROL_MIGRATIONS = [InitialControlSchema1732400000000];

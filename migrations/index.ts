import { InitialControlSchema1732400000000 } from './1732400000000-initial-control-schema';
import { ApiKeysAndAudit1732500000000 } from './1732500000000-api-keys-and-audit';
import { UsageAndWebhooks1732650000000 } from './1732650000000-usage-and-webhooks';
import { DirectoryChangeSignals1732800000000 } from './1732800000000-directory-change-signals';
import { SpareWorkspaces1732900000000 } from './1732900000000-spare-workspaces';

/** Every migration of the `kplane` schema, in order. */
export const CONTROL_MIGRATIONS = [InitialControlSchema1732400000000, ApiKeysAndAudit1732500000000, UsageAndWebhooks1732650000000, DirectoryChangeSignals1732800000000, SpareWorkspaces1732900000000];

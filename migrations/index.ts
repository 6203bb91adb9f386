import { InitialControlSchema1732400000000 } from './1732400000000-initial-control-schema';
import { ApiKeysAndAudit1732500000000 } from './1732500000000-api-keys-and-audit';
import { UsageAndWebhooks1732650000000 } from './1732650000000-usage-and-webhooks';
import { DirectoryChangeSignals1732800000000 } from './1732800000000-directory-change-signals';

/** Every migration of the `kplane` schema, in order. */
export const CONTROL_MIGRATIONS = [InitialControlSchema1732400000000, ApiKeysAndAudit1732500000000, UsageAndWebhooks1732650000000, DirectoryChangeSignals1732800000000];

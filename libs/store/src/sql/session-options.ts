/**
 * Startup options of every PostgreSQL connection kplane opens. JIT compilation is for long
 * analytical queries: for our short statements it costs far more than it saves (a create took
 * 15 ms instead of 1.6 ms once the planner's estimate for the never-analysed one-row `meta`
 * table crossed jit_above_cost, and large list plans cross it too).
 */
export const PG_SESSION_OPTIONS = '-c jit=off';

/**
 * Startup options of the connections that run single-object writes (WorkspaceWritePools). Their
 * statements are prepared once per connection and workspace, and PostgreSQL plans a prepared
 * statement afresh for each of its first five executions before it settles on the generic plan,
 * which for these key lookups is the plan it ends up with anyway. Over many workspaces most
 * executions were among a connection's first five for that workspace: planning was ~20 % of
 * PostgreSQL's CPU in the writes bench over 50 workspaces. Lists never run on these connections
 * (their plans must see the selector's values).
 */
export const PG_WRITE_SESSION_OPTIONS = `${PG_SESSION_OPTIONS} -c plan_cache_mode=force_generic_plan`;

/**
 * Startup options of every PostgreSQL connection kplane opens. JIT compilation is for long
 * analytical queries: for our short statements it costs far more than it saves (a create took
 * 15 ms instead of 1.6 ms once the planner's estimate for the never-analysed one-row `meta`
 * table crossed jit_above_cost, and large list plans cross it too).
 */
export const PG_SESSION_OPTIONS = '-c jit=off';

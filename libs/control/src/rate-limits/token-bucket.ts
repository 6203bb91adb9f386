/** What the limiter needs of a Redis client (ioredis satisfies it). */
export interface RedisScriptRunner {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface TokenBucketSettings {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size (the burst a quiet caller may spend at once). */
  burst: number;
}

export type TakeResult = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

/**
 * Atomic token bucket: refill by elapsed time (Redis clock, so replicas agree), take one
 * token or say how long until one is there. The key expires once a full bucket would be
 * refilled, so idle callers cost nothing.
 */
export const TOKEN_BUCKET_LUA = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = burst
  ts = now
end
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {allowed, wait, math.floor(tokens)}
`;

export class TokenBucketLimiter {
  constructor(
    private readonly redis: RedisScriptRunner,
    private readonly keyPrefix: string,
  ) {}

  async take(bucket: string, settings: TokenBucketSettings): Promise<TakeResult> {
    const reply = (await this.redis.eval(TOKEN_BUCKET_LUA, 1, `${this.keyPrefix}:${bucket}`, settings.ratePerSecond, settings.burst)) as [number, number, number];
    const [allowed, wait, remaining] = reply.map(Number) as [number, number, number];
    return allowed === 1 ? { allowed: true, remaining } : { allowed: false, retryAfterMs: Math.max(1, wait) };
  }
}

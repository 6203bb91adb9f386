import pino, { Logger } from 'pino';

/** Paths that may carry credentials; pino replaces their values before anything is written. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'kubeconfig',
  '*.kubeconfig',
  'password',
  '*.password',
  'connectionString',
  '*.connectionString',
  'databaseUrl',
  'redisUrl',
];

export interface LoggerOptions {
  app: string;
  level?: string;
  pretty?: boolean;
}

export function createLogger({ app, level = 'info', pretty = false }: LoggerOptions): Logger {
  return pino({
    name: app,
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, singleLine: true } } } : {}),
  });
}

export type { Logger };

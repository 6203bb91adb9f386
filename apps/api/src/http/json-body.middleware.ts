import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** Request bodies are JSON: a body of another media type is 415 rather than silently ignored. */
export function requireJsonBodies(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  const type = req.headers['content-type'];
  if (BODY_METHODS.has(req.method) && hasBody && (typeof type !== 'string' || !JSON_TYPE.test(type))) {
    next(new UnsupportedMediaTypeException('request bodies must be application/json'));
    return;
  }
  next();
}

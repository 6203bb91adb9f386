import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/** Deeper than any body the API accepts; stops recursion-heavy validation early. */
export const MAX_JSON_DEPTH = 32;
/** Keys that could reach an object's prototype when copied by a transformer. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

/** Returns a problem with the parsed body's shape, or null: nesting depth and forbidden keys. */
export function jsonShapeProblem(body: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: body, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `the request body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `the request body must not contain the key "${key}"`;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}

/** Runs after the JSON body parser: 400 for bodies nested too deep or carrying `__proto__`. */
export function checkJsonShape(req: Request, _res: Response, next: NextFunction): void {
  const problem = jsonShapeProblem(req.body);
  if (problem) {
    next(new BadRequestException(problem));
    return;
  }
  next();
}

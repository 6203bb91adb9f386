import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe } from '@nestjs/common';
import type { FieldProblem } from './problem';

/** Raised by ApiValidationPipe: 400 for malformed requests, 422 for well-formed but invalid bodies. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';

  constructor(
    readonly status: 400 | 422,
    readonly problems: FieldProblem[],
    message = 'the request is invalid',
  ) {
    super(message);
  }
}

class ValidationFailure extends Error {
  constructor(
    readonly problems: FieldProblem[],
    readonly hasUnknownFields: boolean,
  ) {
    super('validation failed');
  }
}

const UNKNOWN_FIELD = 'whitelistValidation';

/** Flattens class-validator errors into `{field, message}` with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { problems: FieldProblem[]; hasUnknownFields: boolean } {
  const problems: FieldProblem[] = [];
  let hasUnknownFields = false;
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      if (constraint === UNKNOWN_FIELD) {
        hasUnknownFields = true;
        problems.push({ field, message: `unknown field "${field}"` });
      } else {
        problems.push({ field, message: message.replace(error.property, field) });
      }
    }
    if (error.children?.length) {
      const nested = flattenValidationErrors(error.children, field);
      problems.push(...nested.problems);
      hasUnknownFields ||= nested.hasUnknownFields;
    }
  }
  return { problems, hasUnknownFields };
}

/**
 * The global ValidationPipe (whitelist, forbidNonWhitelisted, transform). Unknown fields and
 * bad query parameters are 400; a well-formed body with invalid values is 422.
 */
@Injectable()
export class ApiValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => {
        const { problems, hasUnknownFields } = flattenValidationErrors(errors);
        return new ValidationFailure(problems, hasUnknownFields);
      },
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw new RequestValidationError(400, [{ field: '(body)', message: 'the request body must be a JSON object' }]);
    }
    try {
      return await super.transform(value, metadata);
    } catch (err) {
      if (err instanceof ValidationFailure) {
        const status = metadata.type === 'body' && !err.hasUnknownFields ? 422 : 400;
        const where = metadata.type === 'query' ? 'query parameters' : metadata.type === 'body' ? 'request body' : 'request';
        throw new RequestValidationError(status, err.problems, `the ${where} ${err.hasUnknownFields ? 'has unknown fields' : 'is invalid'}`);
      }
      throw err;
    }
  }
}

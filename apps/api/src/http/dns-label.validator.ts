import { dnsLabelProblem } from '@kplane/control';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** A DNS-1123 label of at most 63 characters (tenant and workspace names). */
export function IsDnsLabel(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isDnsLabel',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => dnsLabelProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'name'} ${dnsLabelProblem(args?.value) ?? 'is invalid'}`,
      },
    });
}

/** Text fields must not carry NUL characters (PostgreSQL text cannot store them). */
export const NO_NUL_RE = /^[^\u0000]*$/;

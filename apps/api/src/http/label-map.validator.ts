import { labelProblems } from '@kplane/control';
import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Kubernetes-style labels: an object of string values with valid keys and values. */
export function IsLabelMap(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isLabelMap',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => labelProblems(value).length === 0,
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'labels'}: ${labelProblems(args?.value).join('; ')}`,
      },
    });
}

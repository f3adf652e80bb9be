import { ValidateBy, type ValidationOptions } from 'class-validator';

/** Values that end up in protocol commands or headers must stay on one line. */
export const IsSingleLine = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isSingleLine',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !/[\r\n\0]/.test(value),
        defaultMessage: (args) => `${args?.property ?? 'value'} must not contain line breaks`,
      },
    },
    options,
  );

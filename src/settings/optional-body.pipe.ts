import { Injectable, type PipeTransform, type Type } from '@nestjs/common';
import { createValidationPipe } from '../common/http/validation.pipe';

/**
 * For a body that may be left out: an absent or empty body becomes undefined, anything else is validated
 * as `type` like every other body. Declare the parameter as `unknown` so the global pipe leaves it alone.
 */
@Injectable()
export class OptionalBodyPipe<T extends object> implements PipeTransform<unknown, Promise<T | undefined>> {
  private readonly validation = createValidationPipe();

  constructor(private readonly type: Type<T>) {}

  async transform(value: unknown): Promise<T | undefined> {
    const empty =
      value === undefined || value === null || (typeof value === 'object' && Object.keys(value).length === 0);
    if (empty) return undefined;
    return (await this.validation.transform(value, { type: 'body', metatype: this.type })) as T;
  }
}

import { MailConnectionError } from '../../src/common/net/mail-connection-error';

/** The MailConnectionError (or subclass) `promise` rejects with; fails the test if it resolves or throws anything else. */
export async function mailFailure<T extends MailConnectionError = MailConnectionError>(
  promise: Promise<unknown>,
): Promise<T> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(MailConnectionError);
    return err as T;
  }
  throw new Error('expected a MailConnectionError');
}

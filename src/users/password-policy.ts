import { passwordProblems } from '../../libs/passwords/password-policy';
import { DomainError } from '../common/errors/domain-error';

/** 400 PASSWORD_POLICY naming every problem, from the one policy in libs/passwords. */
export function assertPasswordAllowed(password: string, email: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    throw new DomainError('validation', 'PASSWORD_POLICY', `The password ${problems.join('; ')}`, [
      { field: 'password', messages: problems },
    ]);
  }
}

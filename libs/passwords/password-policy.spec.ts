import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  const email = 'ada.admin@acme.example';

  it('accepts a long password unrelated to the address', () => {
    expect(passwordProblems('a long phrase nobody guesses', email)).toEqual([]);
  });

  it('names each problem', () => {
    expect(passwordProblems('short', email)).toEqual(['must be at least 12 characters long']);
    expect(passwordProblems('x'.repeat(201), email)).toContain('must be at most 200 characters long');
    expect(passwordProblems('ADA.ADMIN@acme.example', email)).toEqual([
      'must not be the email address or its name part',
    ]);
    expect(passwordProblems('Ada.Admin-2026!', email)).toEqual(['must not be the email address or its name part']);
    expect(passwordProblems('Password1234', email)).toEqual(['is one of the most common passwords']);
    expect(passwordProblems('zzzzzzzzzzzzzz', email)).toEqual(['is one of the most common passwords']);
  });
});

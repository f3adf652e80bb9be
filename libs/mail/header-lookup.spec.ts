import { firstHeader, headerParameter, headerToken } from './header-lookup';

describe('header lookup', () => {
  const message = {
    headers: { 'content-type': ['multipart/report; report-type="Delivery-Status"; boundary=x'], received: ['a', 'b'] },
  };

  it('reads the first value of a header', () => {
    expect(firstHeader(message, 'received')).toBe('a');
    expect(firstHeader(message, 'missing')).toBeUndefined();
  });

  it('reads the main token and parameters of a structured header', () => {
    expect(headerToken('Auto-Replied; owner-email="a@b"')).toBe('auto-replied');
    expect(headerParameter(firstHeader(message, 'content-type'), 'report-type')).toBe('delivery-status');
    expect(headerParameter(firstHeader(message, 'content-type'), 'charset')).toBeUndefined();
  });
});

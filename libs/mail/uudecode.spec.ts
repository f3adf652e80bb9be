import { isUuencoded, uudecode } from './uudecode';

describe('uudecode', () => {
  it('decodes lines with and without the begin/end frame', () => {
    const body = ',2&5L;&\\@6F%M;6%D\r\n`\r\n';
    expect(uudecode(Buffer.from(body)).toString()).toBe('Hello Zammad');
    expect(uudecode(Buffer.from(`begin 644 hello.txt\n${body}end\n`)).toString()).toBe('Hello Zammad');
  });

  it('round-trips binary content', () => {
    // "Cat" uuencoded is "#0V%T" (length char "#" = 3 bytes).
    expect(uudecode(Buffer.from('#0V%T\n`\n')).toString()).toBe('Cat');
  });

  it('recognises the transfer encoding names', () => {
    expect(isUuencoded('x-uuencode')).toBe(true);
    expect(isUuencoded(' X-UUE ')).toBe(true);
    expect(isUuencoded('base64')).toBe(false);
    expect(isUuencoded(undefined)).toBe(false);
  });
});

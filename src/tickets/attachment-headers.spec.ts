import { attachmentHeaders, contentDisposition } from './attachment-headers';

describe('attachment headers', () => {
  it.each([
    ['plain.pdf', `attachment; filename="plain.pdf"; filename*=UTF-8''plain.pdf`],
    [
      'a\r\nSet-Cookie: x=1.txt',
      `attachment; filename="aSet-Cookie: x=1.txt"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1.txt`,
    ],
    ['say "hi"\\there.txt', `attachment; filename="say _hi__there.txt"; filename*=UTF-8''say%20%22hi%22_there.txt`],
    ['100%; real.doc', `attachment; filename="100__ real.doc"; filename*=UTF-8''100%25%3B%20real.doc`],
    ["it's (1)*.txt", `attachment; filename="it's (1)*.txt"; filename*=UTF-8''it%27s%20%281%29%2A.txt`],
    ['Übersicht.xlsx', `attachment; filename="Ubersicht.xlsx"; filename*=UTF-8''%C3%9Cbersicht.xlsx`],
    ['请求.pdf', `attachment; filename="__.pdf"; filename*=UTF-8''%E8%AF%B7%E6%B1%82.pdf`],
    ['😀', `attachment; filename="__"; filename*=UTF-8''%F0%9F%98%80`],
    ['../../etc/passwd', `attachment; filename=".._.._etc_passwd"; filename*=UTF-8''.._.._etc_passwd`],
    ['\r\n', `attachment; filename="attachment"; filename*=UTF-8''attachment`],
    ['', `attachment; filename="attachment"; filename*=UTF-8''attachment`],
  ])('makes a safe Content-Disposition for %j', (filename: string, expected: string) => {
    const header = contentDisposition('attachment', filename);
    expect(header).toBe(expected);
    expect(header).not.toMatch(/[\r\n\u0000-\u001f\u007f-\uffff]/);
  });

  it.each([
    ['image/png', 'inline'],
    ['image/jpeg', 'inline'],
    ['image/svg+xml', 'attachment'],
    ['text/html', 'attachment'],
    ['application/xhtml+xml', 'attachment'],
    ['text/xml', 'attachment'],
    ['application/pdf', 'attachment'],
    ['text/plain', 'attachment'],
  ])('serves %s %s', (contentType: string, disposition: string) => {
    const headers = attachmentHeaders({ filename: 'f', contentType, size: 3 });
    expect(headers['Content-Disposition'].split(';')[0]).toBe(disposition);
    expect(headers['Content-Type']).toBe(contentType);
    expect(headers['X-Content-Type-Options']).toBe('nosniff');
    expect(headers['Content-Security-Policy']).toContain('sandbox');
  });

  it('falls back to application/octet-stream for a malformed content type', () => {
    expect(attachmentHeaders({ filename: 'f', contentType: 'text/html\r\nX-Evil: 1', size: 1 })['Content-Type']).toBe(
      'application/octet-stream',
    );
  });
});

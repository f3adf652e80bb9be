import { firstString, partContentId, partContentType, partFilename } from './part-fields';

describe('part fields read from what mailparser reports', () => {
  it('lower-cases a media type and drops parameters', () => {
    expect(partContentType({ contentType: 'Image/PNG; name=a.png' })).toBe('image/png');
  });

  it('reads a missing, false, empty, array or object media type without throwing', () => {
    expect(partContentType({})).toBe('application/octet-stream');
    expect(partContentType({ contentType: false })).toBe('application/octet-stream');
    expect(partContentType({ contentType: '  ' })).toBe('application/octet-stream');
    expect(partContentType({ contentType: ['text/html', 'image/png'] })).toBe('text/html');
    expect(partContentType({ contentType: { value: 'text/html', params: {} } })).toBe('application/octet-stream');
  });

  it('reads a damaged media type as none', () => {
    for (const damaged of [
      'multip art/related',
      't ext/plain',
      'text/plain\u00ff charset=x',
      '=3 text/plain',
      'text',
    ]) {
      expect(partContentType({ contentType: damaged })).toBe('application/octet-stream');
    }
    expect(partContentType({ contentType: 'application/vnd.ms-excel' })).toBe('application/vnd.ms-excel');
    expect(partContentType({ contentType: 'image/svg+xml' })).toBe('image/svg+xml');
  });

  it('reads file names and Content-IDs of any shape', () => {
    expect(partFilename({ filename: 'a.pdf' })).toBe('a.pdf');
    expect(partFilename({ filename: ['b.pdf', 'c.pdf'] })).toBe('b.pdf');
    expect(partFilename({ filename: false })).toBe('');
    expect(partContentId({ contentId: '<x@y>' })).toBe('x@y');
    expect(partContentId({ cid: 'a@b', contentId: '<x@y>' })).toBe('a@b');
    expect(partContentId({ contentId: [7, '<z@y>'] })).toBe('z@y');
    expect(partContentId({ contentId: '<>' })).toBeNull();
    expect(partContentId({ contentId: { value: 'x' } })).toBeNull();
  });

  it('takes the first string of a list', () => {
    expect(firstString([1, null, 'a', 'b'])).toBe('a');
    expect(firstString({})).toBeUndefined();
  });
});

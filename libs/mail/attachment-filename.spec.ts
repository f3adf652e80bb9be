import { GeneratedFilenames, filenameFromContentId, sanitizeFilename } from './attachment-filename';

describe('sanitizeFilename', () => {
  it('keeps ordinary names exactly', () => {
    expect(sanitizeFilename('Tax Invoice  INX4183.PDF')).toBe('Tax Invoice  INX4183.PDF');
    expect(sanitizeFilename('绩效管理,究竟谁错了.xls')).toBe('绩效管理,究竟谁错了.xls');
  });

  it('removes directories and control characters', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\x\\report.pdf')).toBe('report.pdf');
    expect(sanitizeFilename('evil\u0000name\r\n.txt')).toBe('evil name .txt');
    expect(sanitizeFilename('..')).toBe('');
    expect(sanitizeFilename('   ')).toBe('');
  });

  it('shortens very long names but keeps the extension', () => {
    const name = sanitizeFilename(`${'a'.repeat(300)}.pdf`);
    expect(name).toHaveLength(200);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe('generated names', () => {
  it('uses the Outlook Content-ID file name', () => {
    expect(filenameFromContentId('image001.png@01D4C0B5.3E8E3A10')).toBe('image001.png');
    expect(filenameFromContentId('_1_08FC9B5808FC7D5C004AD64FC1257A28')).toBeNull();
    expect(filenameFromContentId(null)).toBeNull();
  });

  it('names the first part of a kind plainly, numbers the next ones, with an extension from the content type', () => {
    const names = new GeneratedFilenames();
    expect(names.next('image/png')).toBe('image.png');
    expect(names.next('image/jpeg')).toBe('image1.jpg');
    expect(names.next('image/gif')).toBe('image2.gif');
    expect(names.next('application/octet-stream')).toBe('attachment.bin');
    expect(names.next('message/delivery-status')).toBe('delivery-status.txt');
    expect(names.next('text/html')).toBe('document.html');
    expect(names.next('video/x-msvideo')).toBe('video.bin');
  });

  it('prefers a given stem, such as the subject of an attached message', () => {
    expect(new GeneratedFilenames().next('message/rfc822', 'Re: Invoice 2024/01')).toBe('Re: Invoice 2024-01.eml');
  });
});

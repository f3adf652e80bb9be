import { limitHtmlNesting } from './html-nesting';

describe('limitHtmlNesting', () => {
  it('leaves HTML within the limit as it is', () => {
    const html = '<table><tr><td><div><p>Hi <b>there</b><br></p></div></td></tr></table>';
    expect(limitHtmlNesting(html, 6)).toBe(html);
  });

  it('blanks out tags nested deeper than the limit, with their closing tags, and keeps their text', () => {
    expect(limitHtmlNesting('<div><div><div>a</div>b</div></div>c', 2)).toBe('<div><div> a b</div></div>c');
  });

  it('does not count closing tags that comments, scripts or quoted attributes hide from the parser', () => {
    expect(limitHtmlNesting('<div><!--</div>--><p>x', 1)).toBe('<div><!--</div>--> x');
    expect(limitHtmlNesting('<div><script>"</div>"</script><p><b>x', 2)).toBe('<div><script>"</div>"</script><p> x');
    expect(limitHtmlNesting('<div title="a>b"><p><b>x', 2)).toBe('<div title="a>b"><p> x');
    expect(limitHtmlNesting("<div a='>' b='</div>'><p><b>x", 2)).toBe("<div a='>' b='</div>'><p> x");
  });

  it('counts void elements as closed', () => {
    expect(limitHtmlNesting('<p><br><img src="cid:a"><hr>x', 1)).toBe('<p><br><img src="cid:a"><hr>x');
  });
});

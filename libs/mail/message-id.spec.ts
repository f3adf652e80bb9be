import { normaliseMessageId, parseMessageIdList } from './message-id';

describe('normaliseMessageId', () => {
  it('strips brackets, comments and whitespace, keeping case', () => {
    expect(normaliseMessageId(' <CAKsfaBW4hj0@mail.gmail.com> (sent by Gmail)')).toBe('CAKsfaBW4hj0@mail.gmail.com');
    expect(normaliseMessageId('<1234   @   local(blah)  .machine .example>')).toBe('1234@local.machine.example');
    expect(normaliseMessageId('20200123143934.05D7EE792E@example.com')).toBe('20200123143934.05D7EE792E@example.com');
  });

  it('returns null when there is no id', () => {
    expect(normaliseMessageId(undefined)).toBeNull();
    expect(normaliseMessageId('')).toBeNull();
    expect(normaliseMessageId('<>')).toBeNull();
    expect(normaliseMessageId('<xxx>')).toBeNull();
  });
});

describe('parseMessageIdList', () => {
  it('reads every id in order, once', () => {
    expect(parseMessageIdList('<a@x> <b@x>\r\n <a@x>')).toEqual(['a@x', 'b@x']);
  });

  it('reads ids written without brackets', () => {
    expect(parseMessageIdList('a@x, b@x (comment)')).toEqual(['a@x', 'b@x']);
  });

  it('ignores text around bracketed ids', () => {
    expect(parseMessageIdList("<p1@example.com> (Ann's message of Monday)")).toEqual(['p1@example.com']);
  });
});

import { toUidSet } from './uid-set';

describe('toUidSet', () => {
  it('packs runs into ranges, sorted and without duplicates', () => {
    expect(toUidSet([3, 1, 2, 7, 9, 10, 10])).toBe('1:3,7,9:10');
    expect(toUidSet([42])).toBe('42');
    expect(toUidSet([])).toBe('');
  });
});

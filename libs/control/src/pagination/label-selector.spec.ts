import { parseEqualityLabelSelector } from './label-selector';

describe('parseEqualityLabelSelector', () => {
  it.each([
    ['', {}],
    ['tier=gold', { tier: 'gold' }],
    ['tier==gold', { tier: 'gold' }],
    [' tier = gold , env=prod ', { tier: 'gold', env: 'prod' }],
    ['example.com/team=a-b_c.d', { 'example.com/team': 'a-b_c.d' }],
    ['tier=', { tier: '' }],
    ['tier=gold,tier=gold', { tier: 'gold' }],
  ])('parses %p', (input, expected) => {
    expect(parseEqualityLabelSelector(input)).toEqual(expected);
  });

  it.each(['tier', 'tier!=gold', 'tier in (a,b)', '!tier', '=gold', 'ti er=gold', 'tier=go ld', 'tier=gold,tier=silver', 'tier=-gold', `k=${'a'.repeat(64)}`, 'Bad_Prefix/x=1'])(
    'rejects %p',
    (input) => {
      expect(() => parseEqualityLabelSelector(input)).toThrow(expect.objectContaining({ code: 'INVALID_LABEL_SELECTOR' }));
    },
  );
});

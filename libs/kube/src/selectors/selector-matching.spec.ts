import { parseFieldSelector } from './field-selector-parser';
import { parseLabelSelector } from './label-selector-parser';
import { matchesFieldSelector, matchesLabelSelector } from './selector-matching';

describe('matchesLabelSelector', () => {
  const labels = { app: 'web', tier: 'fe', n: '10' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app=db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['missing notin (x)', true],
    ['missing in (x)', false],
    ['app in (web,db)', true],
    ['app notin (web)', false],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['n>5', true],
    ['n>10', false],
    ['n<11', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=fe', true],
    ['app=web,tier=be', false],
    ['missing=', false],
  ])('%j -> %s', (s, want) => {
    expect(matchesLabelSelector(labels, parseLabelSelector(s))).toBe(want);
  });

  it('treats undefined labels as empty', () => {
    expect(matchesLabelSelector(undefined, parseLabelSelector('a!=b'))).toBe(true);
    expect(matchesLabelSelector(null, parseLabelSelector('a'))).toBe(false);
  });

  it('does not see inherited properties as labels', () => {
    expect(matchesLabelSelector({}, parseLabelSelector('constructor'))).toBe(false);
  });
});

describe('matchesFieldSelector', () => {
  const f = { 'metadata.name': 'c1', 'metadata.namespace': 'demo', type: 'Opaque' };
  it.each([
    ['metadata.name=c1', true],
    ['metadata.name!=c1', false],
    ['metadata.name=c1,type=Opaque', true],
    ['metadata.name=c1,type!=Opaque', false],
    ['status.phase=', true],
    ['status.phase!=Active', true],
  ])('%j -> %s', (s, want) => {
    expect(matchesFieldSelector(f, parseFieldSelector(s))).toBe(want);
  });
});

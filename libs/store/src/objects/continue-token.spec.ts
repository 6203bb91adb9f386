import { decodeContinue, encodeContinue } from './continue-token';

describe('continue token', () => {
  it('round-trips, including hostile names', () => {
    const t = { rv: '42', ns: `o'brien"; --`, name: 'ünï/🚀' };
    const raw = encodeContinue(t);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeContinue(raw)).toEqual(t);
    expect(decodeContinue(encodeContinue({ rv: '7', ns: '', name: 'cluster-scoped' }))).toEqual({ rv: '7', ns: '', name: 'cluster-scoped' });
  });

  const b64 = (s: string) => Buffer.from(s).toString('base64url');
  it.each([
    ['empty', ''],
    ['not base64', '%%%'],
    ['not json', b64('nope')],
    ['json null', b64('null')],
    ['missing rv', b64('{"ns":"a","name":"b"}')],
    ['numeric rv', b64('{"rv":5,"ns":"a","name":"b"}')],
    ['non-decimal rv', b64('{"rv":"0x5","ns":"a","name":"b"}')],
    ['zero rv', b64('{"rv":"0","ns":"a","name":"b"}')],
    ['empty name', b64('{"rv":"5","ns":"a","name":""}')],
    ['ns not a string', b64('{"rv":"5","ns":1,"name":"b"}')],
  ])('rejects %s', (_what, raw) => {
    expect(() => decodeContinue(raw)).toThrow(expect.objectContaining({ code: 'STORE_INVALID_CONTINUE' }));
  });
});

import { formatChangeSignal, parseChangeSignal } from './change-signal';

describe('change signals', () => {
  const ws = '0b7c6a3e-5d0f-4f5e-9a55-2f4c2d1e8a11';

  it('round-trips with and without a resource', () => {
    expect(parseChangeSignal(formatChangeSignal(ws, '42', 'customresourcedefinitions.apiextensions.k8s.io'))).toEqual({
      workspaceId: ws,
      rv: '42',
      resource: 'customresourcedefinitions.apiextensions.k8s.io',
    });
    expect(parseChangeSignal(formatChangeSignal(ws, '7'))).toEqual({ workspaceId: ws, rv: '7', resource: null });
  });

  it('ignores payloads that are not change signals', () => {
    for (const p of ['', ws, `${ws}:`, `${ws}:abc`, `${ws}:1:configmaps:extra`, ':1']) expect(parseChangeSignal(p)).toBeNull();
  });
});

import * as yaml from 'js-yaml';
import { renderKubeconfig } from './index';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('renderKubeconfig', () => {
  it('renders one cluster, user and context, set as current', () => {
    const text = renderKubeconfig({ contextName: 'acme-dev', server: 'https://127.0.0.1:6443/clusters/abc', caCertPem: PEM, token: 'tok.en' });
    const doc = yaml.load(text) as Record<string, unknown>;
    expect(doc).toEqual({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'acme-dev', cluster: { server: 'https://127.0.0.1:6443/clusters/abc', 'certificate-authority-data': Buffer.from(PEM).toString('base64') } }],
      users: [{ name: 'acme-dev', user: { token: 'tok.en' } }],
      contexts: [{ name: 'acme-dev', context: { cluster: 'acme-dev', user: 'acme-dev' } }],
      'current-context': 'acme-dev',
      preferences: {},
    });
  });

  it('keeps long base64 on one line and quotes odd tokens safely', () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${'A'.repeat(2000)}\n-----END CERTIFICATE-----\n`;
    const text = renderKubeconfig({ contextName: 'a-b', server: 'https://h/clusters/x', caCertPem: pem, token: 'yes' });
    expect(text.split('\n').some((l) => l.includes('certificate-authority-data: ') && l.length > 2000)).toBe(true);
    expect((yaml.load(text) as { users: { user: { token: unknown } }[] }).users[0].user.token).toBe('yes');
  });

  it('adds a namespace when given', () => {
    const doc = yaml.load(renderKubeconfig({ contextName: 'c', server: 's', caCertPem: PEM, token: 't', namespace: 'demo' })) as { contexts: { context: object }[] };
    expect(doc.contexts[0].context).toEqual({ cluster: 'c', user: 'c', namespace: 'demo' });
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { kubeRequest, TestWorkspace, usePlatformSuite, waitFor } from '@kplane/testing';
import forge from 'node-forge';
import { WorkspaceSmokeTest } from '../../apps/worker/src/provisioning/smoke-test';

/** A self-signed CA that did not sign the API server's certificate. */
function otherCaPem(): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 3_600_000);
  const name = [{ name: 'commonName', value: 'not-the-cluster-ca' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'basicConstraints', cA: true }]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** The worker's provisioning smoke test against a real API server. */
describe('workspace smoke test', () => {
  const suite = usePlatformSuite('smoke', ['s1', 's2']);
  let ws: TestWorkspace;
  let apiserverUrl: string;
  beforeAll(() => {
    ws = suite.workspace('s1');
    apiserverUrl = ws.endpoint.replace(/\/clusters\/.*$/, '');
  });

  it('passes for a Ready workspace, again and again on kept-alive connections, and after the API server restarts', async () => {
    let caReads = 0;
    const smoke = new WorkspaceSmokeTest(apiserverUrl, async () => (caReads++, ws.caPem));
    try {
      for (let i = 0; i < 5; i++) await smoke.run(ws.id, ws.token);
      await suite.platform.restart('apiserver');
      await waitFor('the API server back', async () => (await kubeRequest(ws, 'GET', '/api/v1/namespaces').catch(() => ({ status: 0 }))).status === 200, {
        timeoutMs: 30_000,
      });
      // The kept-alive connection died with the old process: the smoke test goes on over a new one.
      await smoke.run(ws.id, ws.token);
      expect(caReads).toBe(1);
    } finally {
      smoke.close();
    }
  });

  it("fails with the status for a wrong token or another workspace's token, and for an unknown workspace", async () => {
    const smoke = new WorkspaceSmokeTest(apiserverUrl, async () => ws.caPem);
    try {
      await expect(smoke.run(ws.id, 'not-a-token')).rejects.toThrow('smoke test: listing namespaces failed (401)');
      await expect(smoke.run(ws.id, suite.workspace('s2').token)).rejects.toThrow(/smoke test: listing namespaces failed \(40[13]\)/);
      await expect(smoke.run('00000000-0000-4000-8000-000000000000', ws.token)).rejects.toThrow(/smoke test: listing namespaces failed \(40[134]\)/);
    } finally {
      smoke.close();
    }
  });

  it('refuses a server its CA did not sign, reads the CA again next time, and waits for a CA that is not there yet', async () => {
    const answers = [null, otherCaPem(), ws.caPem];
    const smoke = new WorkspaceSmokeTest(apiserverUrl, async () => answers.shift() ?? null);
    try {
      await expect(smoke.run(ws.id, ws.token)).rejects.toThrow('the API server has not started yet (no cluster CA)');
      await expect(smoke.run(ws.id, ws.token)).rejects.toThrow(/smoke test: listing namespaces failed \(.*(certificate|self.signed|verify).*\)/i);
      await smoke.run(ws.id, ws.token);
    } finally {
      smoke.close();
    }
  });
});

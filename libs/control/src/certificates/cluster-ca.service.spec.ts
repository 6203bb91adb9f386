import { X509Certificate } from 'node:crypto';
import { issueServingCertificate } from './cluster-ca.service';

// createCertificate is exercised through a CA made the same way ensureCa makes one.
import forge from 'node-forge';

describe('issueServingCertificate', () => {
  it('signs a certificate for the given hosts that verifies against the CA', () => {
    const keys = forge.pki.rsa.generateKeyPair(1024);
    const caCert = forge.pki.createCertificate();
    caCert.publicKey = keys.publicKey;
    caCert.serialNumber = '01';
    caCert.validity.notBefore = new Date(Date.now() - 60_000);
    caCert.validity.notAfter = new Date(Date.now() + 86_400_000);
    caCert.setSubject([{ name: 'commonName', value: 'test-ca' }]);
    caCert.setIssuer([{ name: 'commonName', value: 'test-ca' }]);
    caCert.setExtensions([{ name: 'basicConstraints', cA: true }]);
    caCert.sign(keys.privateKey, forge.md.sha256.create());
    const ca = { certPem: forge.pki.certificateToPem(caCert), keyPem: forge.pki.privateKeyToPem(keys.privateKey) };

    const serving = issueServingCertificate(ca, ['127.0.0.1', 'kplane.example.com']);
    const cert = new X509Certificate(serving.certPem);
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:kplane.example.com');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.ca).toBe(false);
  });
});

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { DataSource } from 'typeorm';
import { SecretBox } from '../credentials/secret-box';

export interface KeyPairPem {
  certPem: string;
  keyPem: string;
}

const CA_NAME = 'apiserver';

/**
 * The API server CA is generated once and kept in the control schema (key sealed with the
 * master key), so restarts and replicas serve certificates that the same kubeconfigs trust.
 */
export class ClusterCaService {
  constructor(private readonly ds: DataSource, private readonly box: SecretBox) {}

  async ensureCa(): Promise<KeyPairPem> {
    const found = await this.load();
    if (found) return found;
    const created = createCertificate({ commonName: 'kplane-apiserver-ca', isCa: true, days: 3650 });
    // Two replicas may race here; the first insert wins and both read it back.
    await this.ds.query(
      `INSERT INTO kplane.cluster_ca (name, cert_pem, key_encrypted) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
      [CA_NAME, created.certPem, this.box.encrypt(created.keyPem)],
    );
    const stored = await this.load();
    if (!stored) throw new Error('cluster CA could not be stored');
    return stored;
  }

  /** The CA certificate only (for kubeconfigs and smoke tests); null before the API server first starts. */
  async caCertificate(): Promise<string | null> {
    const rows = await this.ds.query(`SELECT cert_pem FROM kplane.cluster_ca WHERE name = $1`, [CA_NAME]);
    return rows[0]?.cert_pem ?? null;
  }

  private async load(): Promise<KeyPairPem | null> {
    const rows = await this.ds.query(`SELECT cert_pem, key_encrypted FROM kplane.cluster_ca WHERE name = $1`, [CA_NAME]);
    if (!rows[0]) return null;
    try {
      return { certPem: rows[0].cert_pem, keyPem: this.box.decrypt(rows[0].key_encrypted) };
    } catch {
      throw new Error('the cluster CA in the control database was sealed with another KPLANE_MASTER_KEY (set the key this database was created with)');
    }
  }
}

/** A serving certificate for the given host names and IPs, signed by the CA. */
export function issueServingCertificate(ca: KeyPairPem, hosts: string[]): KeyPairPem {
  return createCertificate({ commonName: 'kplane-apiserver', isCa: false, days: 365, hosts, issuer: ca });
}

function createCertificate(opts: { commonName: string; isCa: boolean; days: number; hosts?: string[]; issuer?: KeyPairPem }): KeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 5 * 60_000);
  cert.validity.notAfter = new Date(Date.now() + opts.days * 86_400_000);
  const subject = [{ name: 'commonName', value: opts.commonName }, { name: 'organizationName', value: 'kplane' }];
  cert.setSubject(subject);
  const issuerCert = opts.issuer ? forge.pki.certificateFromPem(opts.issuer.certPem) : null;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: opts.isCa, critical: true }];
  if (opts.isCa) {
    extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    extensions.push({ name: 'extKeyUsage', serverAuth: true });
    extensions.push({
      name: 'subjectAltName',
      altNames: (opts.hosts ?? []).map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(extensions);
  const signingKey = forge.pki.privateKeyFromPem(opts.issuer ? opts.issuer.keyPem : privateKey);
  cert.sign(signingKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: privateKey };
}

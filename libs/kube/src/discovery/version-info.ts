// `/version` (kubernetes-api.md §3 D1) and the OpenAPI v2 stub (§4 O1).

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-kplane' };

export function versionInfo(): VersionInfo {
  return {
    ...KUBE_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: `node${process.versions.node}`,
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/**
 * A protobuf openapi_v2.Document with only swagger "2.0", info {title
 * "Kubernetes", version "v1.32.0"} and empty paths: enough for kubectl's
 * client-side validation to skip unknown kinds on every version.
 */
export const OPENAPI_V2_STUB: Buffer = Buffer.from('0a03322e3012150a0a4b756265726e65746573120776312e33322e304200', 'hex');
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

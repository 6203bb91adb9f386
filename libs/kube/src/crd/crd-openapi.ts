import type { OpenApiExtraGroupVersion } from '../openapi/openapi-v3';
import { customResourceInfos } from './crd-resources';
import type { CustomResourceDefinition } from './crd.types';

// CRDs as `extras` for the OpenAPI v3 module (kubernetes-api.md §13 K13, §4 O5):
// one entry per served group version, each kind's openAPIV3Schema by kind.

export function openApiExtrasFromCrds(crds: readonly CustomResourceDefinition[]): OpenApiExtraGroupVersion[] {
  const byGv = new Map<string, OpenApiExtraGroupVersion>();
  for (const crd of crds) {
    for (const info of customResourceInfos(crd)) {
      const gv = `${info.rt.group}/${info.rt.version}`;
      let x = byGv.get(gv);
      if (!x) {
        x = { groupVersion: gv, resources: [], schemas: {} };
        byGv.set(gv, x);
      }
      x.resources.push(info.rt);
      x.schemas![info.rt.kind] = info.schema;
    }
  }
  return [...byGv.values()];
}

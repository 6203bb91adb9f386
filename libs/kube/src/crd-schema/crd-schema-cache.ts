import { CompiledCrdSchema } from './compiled-crd-schema';

/**
 * LRU of compiled schemas keyed by (CRD uid, CRD resourceVersion, version). A CRD update changes the
 * resourceVersion, so stale entries are never hit and age out.
 */
export class CrdSchemaCache {
  private readonly entries = new Map<string, CompiledCrdSchema>();

  constructor(private readonly maxEntries = 512) {}

  static key(crdUid: string, resourceVersion: string, version: string): string {
    return `${crdUid}\u0000${resourceVersion}\u0000${version}`;
  }

  get size(): number {
    return this.entries.size;
  }

  get(crdUid: string, resourceVersion: string, version: string): CompiledCrdSchema | undefined {
    const k = CrdSchemaCache.key(crdUid, resourceVersion, version);
    const hit = this.entries.get(k);
    if (hit) {
      this.entries.delete(k);
      this.entries.set(k, hit);
    }
    return hit;
  }

  set(crdUid: string, resourceVersion: string, version: string, compiled: CompiledCrdSchema): void {
    const k = CrdSchemaCache.key(crdUid, resourceVersion, version);
    this.entries.delete(k);
    this.entries.set(k, compiled);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Returns the cached schema or compiles, stores and returns it. */
  getOrCompile(crdUid: string, resourceVersion: string, version: string, compile: () => CompiledCrdSchema): CompiledCrdSchema {
    const hit = this.get(crdUid, resourceVersion, version);
    if (hit) return hit;
    const compiled = compile();
    this.set(crdUid, resourceVersion, version, compiled);
    return compiled;
  }

  /** Drops every version of a CRD, e.g. when it is deleted. */
  deleteCrd(crdUid: string): void {
    const prefix = `${crdUid}\u0000`;
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
  }
}

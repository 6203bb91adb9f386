// Public surface of @kplane/kube: framework-free Kubernetes API semantics.
export * from './status';
export * from './resources';
export * from './selectors';
export * from './meta';
export * from './protobuf';
export * from './lists';
export * from './bootstrap';
export * from './discovery';
export * from './patch';
export * from './table';
export * from './kubeconfig';
export * from './openapi';
export * from './apply';
export * from './crd';
export * from './crd-schema';
export * from './rbac';

// Public surface of @kplane/kube: framework-free Kubernetes API semantics.
export * from './status';
export * from './resources';
export * from './selectors';
export * from './meta';
export * from './bootstrap/bootstrap-objects';

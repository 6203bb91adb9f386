export * from './status.types';
export * from './kube-status.error';
export * from './status-factories';

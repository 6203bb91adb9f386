export * from './render-kubeconfig';

export * from './databases';
export * from './platform';
export * from './wait-for';
export * from './kubectl';
export * from './workspace-fixture';
export * from './e2e-suite';

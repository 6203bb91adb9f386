export * from './version-info';
export * from './group-versions';
export * from './legacy-discovery';
export * from './aggregated-discovery';

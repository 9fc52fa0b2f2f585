export * from './target-tracking';
export * from './group-model';
export * from './simulate-group';
export * from './read-metric-csv';
export * from './render-chart';
export * from './run-backtest';
export * from './realized-alarm';
export * from './miss-episodes';

export * from './simulate-group';
export * from './read-metric-csv';
export * from './render-chart';
export * from './run-backtest';

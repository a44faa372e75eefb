/** Test and measurement helpers shared by the workspace's suites (private, never published). */
export * from './raw-client.js';
export { peakWindowShare } from './peak-window.js';
export { median, nearestRank, quantile } from './quantile.js';

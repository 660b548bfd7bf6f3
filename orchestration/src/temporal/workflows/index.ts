export { nightlyLoad, progressQuery } from './nightlyLoad.js';
export type { NightlyLoadInput } from './nightlyLoad.js';

export { nightlyLoad } from './nightlyLoad.js';
export type { NightlyLoadInput } from './nightlyLoad.js';

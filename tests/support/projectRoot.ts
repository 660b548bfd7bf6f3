import { findProjectRoot } from '../../orchestration/src/config/projectRoot.js';

export const projectRoot = findProjectRoot();

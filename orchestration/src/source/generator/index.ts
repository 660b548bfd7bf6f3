export { generateSource, type GenerateSourceInput, type GenerateSourceOutput } from './generateSource.js';
export { simulateDay, type SimulateDayInput, type SimulateDayOutput } from './simulateDay.js';
export { IDLE_DAYS, type PlantedAnswers } from './plantedAnswers.js';
export { CHAOS_KINDS, type ChaosKind, type ChaosEditsOutput } from './chaosEdits.js';
export { CHAOS_MIGRATIONS } from './chaosMigrations.js';

import { type Day, dayOf, type Instant } from './dayClock.js';
import { isWorkingOn, type ProjectPlan } from './projectPlan.js';

/**
 * Rows planted so that business questions have known answers (docs/star-schema.md, "Planted answers"); each is
 * the first project that qualifies, so the same seed plants the same ones.
 */
export interface PlantedAnswers {
  /** The foreman who finishes areas well ahead of schedule on every project. */
  fastForemanId: number;
  /** An active project whose budget was set far below its costs: burn rate well over 120%. */
  overBudgetProjectId: number | null;
  /** An active project working at half speed: at its current velocity it misses its planned end. */
  lateProjectId: number | null;
  /** An active project whose crew stopped checking in for the last IDLE_DAYS days. */
  idleProjectId: number | null;
}

/** The planted over-budget project keeps this share of the budget it would have had. */
const PLANTED_BUDGET_SHARE = 0.45;
/** The planted late project's areas take this many times as long as planned. */
const PLANTED_SLOWDOWN = 2.2;
export const IDLE_DAYS = 5;

const MICROS_PER_DAY = 86_400_000_000;

export function noPlantedProjects(fastForemanId: number): PlantedAnswers {
  return { fastForemanId, overBudgetProjectId: null, lateProjectId: null, idleProjectId: null };
}

/** Turns a freshly planned project into a planted answer when one is still missing and it qualifies. */
export function plantInto(plan: ProjectPlan, planted: PlantedAnswers, endDay: Day): void {
  if (plan.cancelledAt !== null || plan.foremanId === planted.fastForemanId) return;
  const runningAtEnd = isWorkingOn(plan, endDay);
  if (planted.overBudgetProjectId === null && runningAtEnd && plan.actualStart <= endDay - 30) {
    plan.budget = Math.round(plan.budget * PLANTED_BUDGET_SHARE);
    planted.overBudgetProjectId = plan.id;
  } else if (planted.lateProjectId === null && plan.actualStart <= endDay - 30 && plan.plannedEnd > endDay + 14) {
    // Stretched, its areas run past the planned end, so it is still running at the end date.
    slowDown(plan, PLANTED_SLOWDOWN);
    planted.lateProjectId = plan.id;
  } else if (planted.idleProjectId === null && runningAtEnd && plan.actualStart <= endDay - 2 * IDLE_DAYS) {
    planted.idleProjectId = plan.id;
  }
}

/** Whether the planted idle project does no field work on `day` (its last IDLE_DAYS days). */
export function isPlantedIdle(planted: PlantedAnswers, projectId: number, day: Day, endDay: Day): boolean {
  return planted.idleProjectId === projectId && day > endDay - IDLE_DAYS;
}

/** Stretches every area's start and finish away from the project's actual start. */
function slowDown(plan: ProjectPlan, factor: number): void {
  const origin: Instant = plan.actualStart * MICROS_PER_DAY;
  const stretch = (instant: Instant): Instant => origin + Math.round((instant - origin) * factor);
  for (const area of plan.areas) {
    area.startedAt = stretch(area.startedAt);
    area.doneAt = stretch(area.doneAt);
  }
  plan.actualEnd = Math.max(plan.actualStart, ...plan.areas.map((area) => dayOf(area.doneAt)));
}

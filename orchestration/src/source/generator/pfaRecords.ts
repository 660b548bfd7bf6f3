import { EQUIPMENT } from './catalog.js';
import { type Day, formatInstant, type Instant, instantOn, isoDate } from './dayClock.js';
import type { IdAllocator } from './idAllocator.js';
import type { SeededRandom } from './random.js';
import type { SourceWriter } from './sourceWriter.js';

/**
 * Equipment plan/forecast/actual records for a project that starts on `startDay`: planned up front,
 * forecasts revised (often above plan), actuals recorded weeks after the equipment comes back.
 */
export function writePfaRecords(
  writer: SourceWriter,
  ids: IdAllocator,
  random: SeededRandom,
  input: { organizationId: number; projectId: number; startDay: Day; pace: number; asOf: Day },
): number {
  const count = random.int(2, 5);
  for (let index = 0; index < count; index += 1) {
    const [category, description, monthlyCost] = random.pick(EQUIPMENT);
    const planStart = input.startDay + random.int(0, 60);
    const planEnd = planStart + random.int(14, 120);
    const planCost = Math.round(((monthlyCost * (planEnd - planStart)) / 30) * random.between(0.8, 1.2));
    const forecastStart = planStart + random.int(-3, 10);
    const forecastEnd = forecastStart + Math.round((planEnd - planStart) * input.pace * random.between(0.95, 1.2));
    const createdAt = instantOn(input.startDay, random);
    const revisedDay = Math.min(input.startDay + random.int(5, 45), input.asOf);
    const isRevised = revisedDay > input.startDay;
    const forecastCost = isRevised
      ? Math.round(
          planCost *
            random.weighted<number>([
              [random.between(0.9, 1.25), 8],
              [random.between(1.3, 1.7), 2],
            ]),
        )
      : planCost;
    const actualRecordedDay = forecastEnd + random.int(7, 40);
    const hasActual = actualRecordedDay <= input.asOf;
    const lastChange: Instant = hasActual
      ? instantOn(actualRecordedDay, random)
      : isRevised
        ? instantOn(revisedDay, random)
        : createdAt;
    writer.add('pfa_records', {
      id: ids.next('pfa_records'),
      organization_id: input.organizationId,
      project_id: input.projectId,
      category,
      source: random.chance(0.8) ? 'rental' : 'purchase',
      equipment_description: description,
      plan_start_date: isoDate(planStart),
      plan_end_date: isoDate(planEnd),
      plan_cost: planCost,
      forecast_start_date: isoDate(isRevised ? forecastStart : planStart),
      forecast_end_date: isoDate(isRevised ? forecastEnd : planEnd),
      forecast_cost: forecastCost,
      actual_start_date: hasActual ? isoDate(forecastStart + random.int(-1, 2)) : null,
      actual_end_date: hasActual ? isoDate(forecastEnd + random.int(-2, 2)) : null,
      actual_cost: hasActual ? Math.round(forecastCost * random.between(0.92, 1.12)) : null,
      created_at: formatInstant(createdAt),
      updated_at: formatInstant(Math.max(lastChange, createdAt)),
    });
  }
  return count;
}

import type { ActivityDeps } from './activityDeps.js';
import { createCaptureChanges } from './captureChanges.js';
import { createCheckPublishGate } from './checkPublishGate.js';
import { createCheckSourceFreshness } from './checkSourceFreshness.js';
import { createExtractTable } from './extractTable.js';
import { createListAlerts } from './listAlerts.js';
import { createPlanLoad } from './planLoad.js';
import { createPruneRetention } from './pruneRetention.js';
import { createPublishWarehouse } from './publishWarehouse.js';
import { createRecordRun } from './recordRun.js';
import { createRunDbtBuild } from './runDbtBuild.js';
import { createSendAlert } from './sendAlert.js';

export function createActivities(deps: ActivityDeps) {
  return {
    planLoad: createPlanLoad(deps),
    extractTable: createExtractTable(deps),
    captureChanges: createCaptureChanges(deps),
    pruneRetention: createPruneRetention(deps),
    runDbtBuild: createRunDbtBuild(deps),
    checkPublishGate: createCheckPublishGate(deps),
    checkSourceFreshness: createCheckSourceFreshness(deps),
    listAlerts: createListAlerts(deps),
    recordRun: createRecordRun(deps),
    publishWarehouse: createPublishWarehouse(deps),
    sendAlert: createSendAlert(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;

/** Vocabulary of the demo construction-operations data. */

export const FIRST_NAMES = [
  'James',
  'Maria',
  'Robert',
  'Linda',
  'Michael',
  'Patricia',
  'David',
  'Jennifer',
  'Carlos',
  'Elizabeth',
  'Jose',
  'Susan',
  'Thomas',
  'Jessica',
  'Daniel',
  'Sarah',
  'Miguel',
  'Karen',
  'Anthony',
  'Nancy',
  'Luis',
  'Lisa',
  'Mark',
  'Betty',
  'Juan',
  'Sandra',
  'Steven',
  'Ashley',
  'Andrew',
  'Dorothy',
  'Kevin',
  'Emily',
  'Brian',
  'Donna',
  'Jorge',
  'Michelle',
  'Edward',
  'Carol',
  'Ronald',
  'Amanda',
] as const;

export const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Garcia',
  'Brown',
  'Jones',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Perez',
  'Thompson',
  'White',
  'Harris',
  'Sanchez',
  'Clark',
  'Ramirez',
  'Lewis',
  'Robinson',
] as const;

export const COMPANY_WORDS = [
  'Summit',
  'Ironline',
  'Keystone',
  'Bedrock',
  'Granite',
  'Cornerstone',
  'Meridian',
  'Northgate',
  'Redwood',
  'Atlas',
  'Pinnacle',
  'Riverside',
  'Blue Ridge',
  'Harbor',
  'Cascade',
  'Frontier',
  'Lakeshore',
  'Silverline',
] as const;
export const COMPANY_SUFFIXES = ['Builders', 'Construction', 'Contracting', 'Concrete', 'Electric', 'Framing'] as const;
export const INDUSTRIES = ['commercial', 'residential', 'industrial', 'civil', 'institutional'] as const;
export const REGIONS = ['northeast', 'southeast', 'midwest', 'southwest', 'west', 'mountain'] as const;

/** Trades of field workers; a crew check-in records each worker with one of these roles. */
export const TRADES = ['carpenter', 'electrician', 'laborer', 'operator', 'apprentice'] as const;
export const TRADE_WEIGHTS: readonly (readonly [string, number])[] = [
  ['laborer', 4],
  ['carpenter', 3],
  ['electrician', 2],
  ['operator', 1],
  ['apprentice', 2],
];

export const WORK_TYPES = [
  'concrete',
  'framing',
  'electrical',
  'drywall',
  'demolition',
  'earthwork',
  'roofing',
] as const;
export const JOB_TYPES = ['new_construction', 'renovation', 'tenant_improvement', 'repair'] as const;
export const PROJECT_KINDS = [
  'Office',
  'Warehouse',
  'School',
  'Clinic',
  'Apartments',
  'Parking Deck',
  'Retail Center',
  'Lab',
] as const;
export const STREETS = [
  'Main St',
  'Oak Ave',
  'Harbor Blvd',
  '5th St',
  'Elm St',
  'Market St',
  'Lake Rd',
  'Mill Rd',
] as const;

export const AREA_PREFIXES = ['Level', 'Zone', 'Wing', 'Phase'] as const;

type PricedLine = readonly [description: string, unit: string, lowCost: number, highCost: number];

export const TICKET_LINES: Record<'labor' | 'material' | 'equipment', readonly PricedLine[]> = {
  labor: [
    ['Overtime labor', 'hr', 45, 95],
    ['Extra crew hours', 'hr', 40, 85],
  ],
  material: [
    ['Rebar #5', 'ton', 900, 1400],
    ['Concrete 4000 psi', 'cy', 140, 210],
    ['Lumber 2x6', 'ea', 6, 12],
    ['Drywall 5/8 sheet', 'ea', 14, 22],
    ['EMT conduit 3/4', 'ft', 1, 3],
    ['Anchor bolts', 'ea', 2, 6],
  ],
  equipment: [
    ['Skid steer', 'day', 250, 450],
    ['Scissor lift', 'day', 150, 300],
    ['Concrete pump', 'hr', 180, 320],
  ],
};

export const HAUL_MATERIALS = ['mixed debris', 'concrete', 'soil', 'asphalt', 'metal', 'wood'] as const;
export const HAULERS = ['Valley Hauling', 'Metro Roll-Off', 'Apex Disposal', 'GreenCycle'] as const;

export const REQUEST_MATERIALS: readonly PricedLine[] = [
  ['Rebar #4', 'ton', 850, 1300],
  ['Ready-mix concrete', 'cy', 130, 200],
  ['Plywood 3/4', 'sheet', 35, 60],
  ['Copper wire 12 AWG', 'ft', 0.4, 1.1],
  ['Metal studs', 'ea', 4, 9],
  ['Roofing membrane', 'sq', 90, 160],
];

export const WEATHER = ['clear', 'cloudy', 'rain', 'wind', 'snow', 'heat'] as const;

export const EQUIPMENT: readonly (readonly [string, string, number])[] = [
  ['cranes', '40-ton rough terrain crane', 38_000],
  ['lifts', '60 ft boom lift', 6_500],
  ['lifts', 'Scissor lift 26 ft', 2_400],
  ['excavators', '20-ton excavator', 14_000],
  ['generators', '150 kW generator', 5_200],
  ['scaffolding', 'Frame scaffold system', 7_800],
  ['compactors', 'Vibratory roller', 4_600],
];

/** Platform events by category (the category sets retention: transaction/content 7y, user_activity 2y, interaction 1y). */
export const BACKGROUND_EVENTS: readonly (readonly [string, 'user_activity' | 'interaction' | 'content', number])[] = [
  ['page.viewed', 'interaction', 30],
  ['button.clicked', 'interaction', 25],
  ['search.performed', 'interaction', 8],
  ['user.login', 'user_activity', 10],
  ['profile.viewed', 'user_activity', 5],
  ['notification.opened', 'user_activity', 6],
  ['photo.uploaded', 'content', 6],
  ['document.uploaded', 'content', 2],
  ['comment.posted', 'content', 4],
];
export const CLIENTS = ['ios', 'android', 'web'] as const;
export const SCREENS = ['dashboard', 'tickets', 'checkins', 'areas', 'reports', 'schedule', 'photos'] as const;

import { addDays, londonDate, type components } from '@cpis/domain';

/**
 * The synthetic population: every persona design.md asks for. NHS numbers are from the
 * 999 range (never issued) and Modulus 11 valid; names and phone numbers are invented
 * (phones from Ofcom's drama range, 020 7946 0xxx). Authority names and ODS codes are
 * real and public. Dates are relative to `today` so the population stays current.
 *
 * The same fixtures feed the mock service, the reference server's seed, the stories and
 * the tests: a fixture's key is its story name and its test title.
 */

type Authority = components['schemas']['Authority'];
type PlanType = components['schemas']['PlanType'];
type Setting = components['schemas']['Setting'];
type OrgType = components['schemas']['OrgType'];

export interface SeedPlan {
  authority: string;
  planId: string;
  nhsNumber: string;
  type: PlanType;
  startDate: string;
  endDate?: string;
  expectedDeliveryDate?: string;
}

export interface SeedAccess {
  nhsNumber: string;
  accessedAt: string;
  setting: Setting;
  userRole: string;
}

export interface Persona {
  /** Stable key: the story name and test title. */
  key: PersonaKey;
  nhsNumber: string;
  /** Whether the host has traced the number on PDS. */
  nhsNumberVerified: boolean;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  /** Where the person lives (not always the responsible authority). */
  livesIn: string;
  /** What a tester should expect to see. */
  expect: string;
}

export interface DevPrincipal {
  key: string;
  name: string;
  role: string;
  orgType: OrgType;
  odsCode: string;
  orgName: string;
  activities: string[];
}

export type PersonaKey =
  | 'activeChildProtectionPlan'
  | 'lookedAfterOutOfArea'
  | 'pregnantWithUnbornPlan'
  | 'recentlyEndedPlan'
  | 'plansFromTwoAuthorities'
  | 'manyEarlierAccesses'
  | 'noRecord'
  | 'planEndedOverAYearAgo'
  | 'hostileAuthorityName'
  | 'unverifiedNumber';

export const authorities = {
  hackney: {
    odsCode: '204',
    name: 'London Borough of Hackney',
    officeHoursPhone: '020 7946 0204',
    emergencyDutyPhone: '020 7946 0999',
  },
  towerHamlets: {
    odsCode: '211',
    name: 'London Borough of Tower Hamlets',
    officeHoursPhone: '020 7946 0211',
    emergencyDutyPhone: '020 7946 0876',
  },
  westminster: {
    odsCode: '213',
    name: 'Westminster City Council',
    officeHoursPhone: '020 7946 0213',
    emergencyDutyPhone: '020 7946 0654',
  },
  sheffield: {
    odsCode: '373',
    name: 'Sheffield City Council',
    officeHoursPhone: '0114 496 0373',
    emergencyDutyPhone: '0114 496 0999',
  },
  hostile: {
    odsCode: 'ZZX01',
    name: 'Testshire <img src=x onerror="window.__cpisXss=1"> <script>window.__cpisXss=1</script> Council',
    officeHoursPhone: '01632 960 001',
    emergencyDutyPhone: '01632 960 999',
  },
} satisfies Record<string, Authority>;

export const settings = {
  homertonEd: { odsCode: 'RQXM1', name: 'Homerton Emergency Department' },
  royalLondonEd: { odsCode: 'R1HKH', name: 'Royal London Emergency Department' },
  sheffieldChildrensEd: { odsCode: 'RCU01', name: "Sheffield Children's Emergency Department" },
  stThomasUtc: { odsCode: 'RJ122', name: "St Thomas' Urgent Treatment Centre" },
  claptonPractice: { odsCode: 'F84003', name: 'Lower Clapton Group Practice' },
} satisfies Record<string, Setting>;

/**
 * The development EHRs that may call the CDS Hooks services of a development server or the
 * mock (their keys are held in memory; `POST /v1/dev/cds-hooks-tokens` signs their JWTs):
 * the Homerton emergency department (unscheduled care) and a GP practice (scheduled).
 */
export const cdsHooksEhrs = {
  emergencyDepartment: {
    iss: 'urn:cpis:dev-ehr:homerton-ed',
    odsCode: settings.homertonEd.odsCode,
    orgName: settings.homertonEd.name,
    setting: 'unscheduled',
  },
  gpPractice: {
    iss: 'urn:cpis:dev-ehr:lower-clapton-practice',
    odsCode: settings.claptonPractice.odsCode,
    orgName: settings.claptonPractice.name,
    setting: 'scheduled',
  },
} as const satisfies Record<
  string,
  { iss: string; odsCode: string; orgName: string; setting: 'unscheduled' | 'scheduled' }
>;

/** Who can sign in to the examples and stories (development tokens). */
export const principals = {
  edNurse: {
    key: 'edNurse',
    name: 'Priya Shah',
    role: 'Emergency department nurse',
    orgType: 'health',
    odsCode: settings.homertonEd.odsCode,
    orgName: settings.homertonEd.name,
    activities: ['B0107'],
  },
  edDoctor: {
    key: 'edDoctor',
    name: 'Dr Sam Okoye',
    role: 'Emergency medicine registrar',
    orgType: 'health',
    odsCode: settings.homertonEd.odsCode,
    orgName: settings.homertonEd.name,
    activities: ['B0107'],
  },
  gp: {
    key: 'gp',
    name: 'Dr Tom Ellis',
    role: 'General practitioner',
    orgType: 'health',
    odsCode: settings.claptonPractice.odsCode,
    orgName: settings.claptonPractice.name,
    activities: ['B0170'],
  },
  receptionist: {
    key: 'receptionist',
    name: 'Jo Bell',
    role: 'Receptionist',
    orgType: 'health',
    odsCode: settings.homertonEd.odsCode,
    orgName: settings.homertonEd.name,
    activities: [],
  },
  towerHamletsSocialWorker: {
    key: 'towerHamletsSocialWorker',
    name: 'Grace Adeyemi',
    role: 'Social worker',
    orgType: 'local-authority',
    odsCode: authorities.towerHamlets.odsCode,
    orgName: authorities.towerHamlets.name,
    activities: [],
  },
  sheffieldSocialWorker: {
    key: 'sheffieldSocialWorker',
    name: 'Ben Walsh',
    role: 'Social worker',
    orgType: 'local-authority',
    odsCode: authorities.sheffield.odsCode,
    orgName: authorities.sheffield.name,
    activities: [],
  },
} satisfies Record<string, DevPrincipal>;

export const personas: Record<PersonaKey, Persona> = {
  activeChildProtectionPlan: {
    key: 'activeChildProtectionPlan',
    nhsNumber: '9990001375',
    nhsNumberVerified: true,
    givenName: 'Oliver',
    familyName: 'Bennett',
    dateOfBirth: '2019-04-12',
    livesIn: 'Sheffield',
    expect: 'Record found: an active child protection plan, Sheffield City Council.',
  },
  lookedAfterOutOfArea: {
    key: 'lookedAfterOutOfArea',
    nhsNumber: '9990002746',
    nhsNumberVerified: true,
    givenName: 'Maya',
    familyName: 'Okafor',
    dateOfBirth: '2012-09-30',
    livesIn: 'Hackney',
    expect:
      'Record found: looked after by Tower Hamlets while placed in Hackney; Tower Hamlets is told.',
  },
  pregnantWithUnbornPlan: {
    key: 'pregnantWithUnbornPlan',
    nhsNumber: '9990004110',
    nhsNumberVerified: true,
    givenName: 'Chloe',
    familyName: 'Harper',
    dateOfBirth: '2001-02-17',
    livesIn: 'Westminster',
    expect: 'Record found: a protection plan for the unborn child of this patient.',
  },
  recentlyEndedPlan: {
    key: 'recentlyEndedPlan',
    nhsNumber: '9990005486',
    nhsNumberVerified: true,
    givenName: 'Leo',
    familyName: 'Marsh',
    dateOfBirth: '2016-07-08',
    livesIn: 'Hackney',
    expect: 'Record found: a child protection plan that ended 60 days ago, shown as ended.',
  },
  plansFromTwoAuthorities: {
    key: 'plansFromTwoAuthorities',
    nhsNumber: '9990006857',
    nhsNumberVerified: true,
    givenName: 'Ava',
    familyName: 'Khan',
    dateOfBirth: '2014-01-22',
    livesIn: 'Westminster',
    expect: 'Record found: plans from Sheffield and Westminster; both are told.',
  },
  manyEarlierAccesses: {
    key: 'manyEarlierAccesses',
    nhsNumber: '9990008221',
    nhsNumberVerified: true,
    givenName: 'Noah',
    familyName: 'Price',
    dateOfBirth: '2010-11-03',
    livesIn: 'Tower Hamlets',
    expect: 'Record found: 30 earlier accesses, of which the newest 25 are shown.',
  },
  noRecord: {
    key: 'noRecord',
    nhsNumber: '9990009597',
    nhsNumberVerified: true,
    givenName: 'Isla',
    familyName: 'Reed',
    dateOfBirth: '2018-05-19',
    livesIn: 'Hackney',
    expect: 'No CP-IS record — which does not mean there are no safeguarding concerns.',
  },
  planEndedOverAYearAgo: {
    key: 'planEndedOverAYearAgo',
    nhsNumber: '9990012334',
    nhsNumberVerified: true,
    givenName: 'Ruby',
    familyName: 'Hale',
    dateOfBirth: '2013-03-14',
    livesIn: 'Sheffield',
    expect: 'No CP-IS record: the plan ended more than 365 days ago.',
  },
  hostileAuthorityName: {
    key: 'hostileAuthorityName',
    nhsNumber: '9990013705',
    nhsNumberVerified: true,
    givenName: 'Theo',
    familyName: 'Grant',
    dateOfBirth: '2017-12-01',
    livesIn: 'Testshire',
    expect: 'Record found: the authority name holds HTML and script, shown as text; nothing runs.',
  },
  unverifiedNumber: {
    key: 'unverifiedNumber',
    nhsNumber: '9990015074',
    nhsNumberVerified: false,
    givenName: 'Alex',
    familyName: 'Unknown',
    dateOfBirth: '2015-06-06',
    livesIn: 'Not known',
    expect: 'CP-IS not checked: the NHS number has not been verified on PDS.',
  },
};

export interface Population {
  today: string;
  authorities: Authority[];
  plans: SeedPlan[];
  accesses: SeedAccess[];
}

/** The whole population as of `today` (a Europe/London calendar date). */
export function syntheticPopulation(today: string = londonDate(new Date())): Population {
  const day = (offset: number): string => addDays(today, offset);
  const p = personas;
  const a = authorities;
  const plans: SeedPlan[] = [
    {
      authority: a.sheffield.odsCode,
      planId: 'SHF-CPP-1001',
      nhsNumber: p.activeChildProtectionPlan.nhsNumber,
      type: 'CPP',
      startDate: day(-120),
    },
    {
      authority: a.towerHamlets.odsCode,
      planId: 'TH-LAC-0042',
      nhsNumber: p.lookedAfterOutOfArea.nhsNumber,
      type: 'LAC',
      startDate: day(-540),
    },
    {
      authority: a.westminster.odsCode,
      planId: 'WCC-UCPP-77',
      nhsNumber: p.pregnantWithUnbornPlan.nhsNumber,
      type: 'UCPP',
      startDate: day(-90),
      expectedDeliveryDate: day(75),
    },
    {
      authority: a.hackney.odsCode,
      planId: 'HK-CPP-2023-15',
      nhsNumber: p.recentlyEndedPlan.nhsNumber,
      type: 'CPP',
      startDate: day(-420),
      endDate: day(-60),
    },
    {
      authority: a.sheffield.odsCode,
      planId: 'SHF-CPP-0950',
      nhsNumber: p.plansFromTwoAuthorities.nhsNumber,
      type: 'CPP',
      startDate: day(-700),
      endDate: day(-30),
    },
    {
      authority: a.westminster.odsCode,
      planId: 'WCC-LAC-310',
      nhsNumber: p.plansFromTwoAuthorities.nhsNumber,
      type: 'LAC',
      startDate: day(-29),
    },
    {
      authority: a.towerHamlets.odsCode,
      planId: 'TH-CPP-0108',
      nhsNumber: p.manyEarlierAccesses.nhsNumber,
      type: 'CPP',
      startDate: day(-300),
    },
    {
      authority: a.sheffield.odsCode,
      planId: 'SHF-CPP-0400',
      nhsNumber: p.planEndedOverAYearAgo.nhsNumber,
      type: 'CPP',
      startDate: day(-900),
      endDate: day(-400),
    },
    {
      authority: a.hostile.odsCode,
      planId: 'ZZX-CPP-1',
      nhsNumber: p.hostileAuthorityName.nhsNumber,
      type: 'CPP',
      startDate: day(-10),
    },
  ];

  const places = [settings.royalLondonEd, settings.stThomasUtc, settings.sheffieldChildrensEd];
  const roles = ['Emergency department nurse', 'Emergency medicine registrar', 'Paediatric nurse'];
  const accesses: SeedAccess[] = Array.from({ length: 30 }, (_, i) => ({
    nhsNumber: p.manyEarlierAccesses.nhsNumber,
    // Every third day at 10:15 UTC, oldest last.
    accessedAt: `${day(-3 * (i + 1))}T10:15:00.000Z`,
    setting: places[i % places.length] as Setting,
    userRole: roles[i % roles.length] as string,
  }));
  accesses.push({
    nhsNumber: p.lookedAfterOutOfArea.nhsNumber,
    accessedAt: `${day(-41)}T22:40:00.000Z`,
    setting: settings.royalLondonEd,
    userRole: 'Emergency department nurse',
  });

  return { today, authorities: Object.values(a), plans, accesses };
}

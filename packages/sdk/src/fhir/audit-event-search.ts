import { ACCESS_HISTORY_LIMIT, ODS_CODE_PATTERN } from '@cpis/domain';
import type { AccessEntry } from '../types.js';
import {
  ODS_CODE_SYSTEM,
  codings,
  ensure,
  identifierValue,
  isFields,
  list,
  matches,
  nhsNumberOf,
  resolve,
  searchset,
  textOf,
  type Entry,
  type Fields,
} from './resource.js';

const ROLE_CLASS = 'http://terminology.hl7.org/CodeSystem/v3-RoleClass';

/**
 * The access history of a CP-IS `GET /AuditEvent?patient:identifier=…&_include=…` answer,
 * newest first, at most 25. Each AuditEvent's patient agent must be the NHS number asked
 * about; its requesting agent's PractitionerRole, included in the Bundle, gives the role
 * (`code`) and the organisation (`organization.display`).
 */
export function mapAuditEventSearch(answer: unknown, nhsNumber: string): AccessEntry[] {
  const { entries } = searchset(answer);
  return matches(entries)
    .filter((entry) => entry.resource.resourceType === 'AuditEvent')
    .map(({ resource }) => accessEntry(resource, entries, nhsNumber))
    .sort((a, b) => Date.parse(b.accessedAt) - Date.parse(a.accessedAt))
    .slice(0, ACCESS_HISTORY_LIMIT);
}

function hasRole(agent: Fields, code: string): boolean {
  return codings(agent.type).some((coding) => coding.system === ROLE_CLASS && coding.code === code);
}

function accessEntry(event: Fields, entries: Entry[], nhsNumber: string): AccessEntry {
  const recorded = textOf(event.recorded);
  const at = recorded === undefined ? NaN : Date.parse(recorded);
  ensure(!Number.isNaN(at), 'an access has no time');
  const agents = list(event.agent).filter(isFields);
  const patient = agents.find((agent) => hasRole(agent, 'PAT'));
  const subject = patient ? nhsNumberOf(patient.who) : undefined;
  ensure(subject !== undefined, 'an access does not say whom it is about');
  ensure(subject === nhsNumber, 'an access is about another NHS number');
  const requestor =
    agents.find((agent) => agent.requestor === true) ?? agents.find((a) => hasRole(a, 'ASSIGNED'));
  const role = requestor ? resolve(entries, requestor.who) : undefined;
  ensure(
    role !== undefined && role.resourceType === 'PractitionerRole',
    'an access names no PractitionerRole in the answer',
  );
  const userRole =
    list(role.code)
      .flatMap(codings)
      .map((coding) => textOf(coding.display))
      .find((display) => display !== undefined) ??
    list(role.code)
      .filter(isFields)
      .map((concept) => textOf(concept.text))
      .find((text) => text !== undefined);
  ensure(userRole !== undefined, 'an access has no role');
  const organisation = isFields(role.organization) ? role.organization : {};
  const name = textOf(organisation.display);
  ensure(name !== undefined, 'an access has no organisation');
  const odsCode = identifierValue(organisation.identifier, ODS_CODE_SYSTEM);
  return {
    accessedAt: new Date(at).toISOString(),
    setting: {
      ...(odsCode !== undefined && ODS_CODE_PATTERN.test(odsCode) ? { odsCode } : {}),
      name,
    },
    userRole,
  };
}

/**
 * `GET /cpis/FHIR/R4/metadata`: what this stand-in serves, as a CapabilityStatement of
 * `kind` instance for FHIR 4.0.1, with the resources and search parameters of NHS England's
 * CP-IS FHIR API producer statement (CapStatement-CPIS-FHIR-API-Producer, carried in
 * test/fixtures/external/nhs-cpis-fhir). Where this differs, it says what it serves:
 * `search-type` (the producer lists `read`, yet documents searches), and the include it
 * takes, `AuditEvent:agent` (the producer lists `PractitionerRole`, not an include).
 */
const CLINICAL_PATIENT = 'http://hl7.org/fhir/SearchParameter/clinical-patient';

export function capabilityStatement(base: string, now: Date): Record<string, unknown> {
  const patient = (documentation: string) => ({
    name: 'patient',
    definition: CLINICAL_PATIENT,
    type: 'token',
    documentation,
  });
  return {
    resourceType: 'CapabilityStatement',
    id: 'cpis-embed-kit-fhir',
    name: 'CPISEmbedKitFHIRStandIn',
    title: 'CP-IS Embed Kit: a local stand-in for the CP-IS FHIR API',
    status: 'active',
    experimental: true,
    date: now.toISOString(),
    publisher: 'CP-IS Embed Kit',
    description:
      "A local stand-in for NHS England's CP-IS FHIR API over the CP-IS Embed Kit's own data and rules. Not NHS England's service.",
    kind: 'instance',
    instantiates: ['https://fhir.nhs.uk/CapabilityStatement/CPIS-FHIR-API-Producer'],
    implementation: { description: 'CP-IS Embed Kit reference server', url: base },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: true,
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'OAuth',
                },
              ],
            },
          ],
          description:
            "The CP-IS Embed Kit's bearer token (in place of a CIS2 user-restricted token). RBAC: B0107 for unscheduled care, B0170 for scheduled care.",
        },
        resource: [
          {
            type: 'CareTeam',
            profile: 'http://hl7.org/fhir/StructureDefinition/CareTeam',
            interaction: [{ code: 'search-type' }],
            searchParam: [
              patient(
                'patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}. IsUnscheduledAccessEvent: true (or omitted) notifies the responsible local authority; false is a silent read.',
              ),
            ],
          },
          {
            type: 'AuditEvent',
            profile: 'http://hl7.org/fhir/StructureDefinition/AuditEvent',
            interaction: [{ code: 'search-type' }],
            searchInclude: ['AuditEvent:agent'],
            searchParam: [
              patient(
                'patient:identifier=https://fhir.nhs.uk/Id/nhs-number|{NHS number}; at most 25 accesses, newest first.',
              ),
            ],
          },
        ],
      },
    ],
  };
}

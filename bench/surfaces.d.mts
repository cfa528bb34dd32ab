export declare function detectSurfaces(
  base: string,
): Promise<{ fhir: boolean; cdsEncounterStart: string | null }>;

interface SurfaceRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
export declare function careTeamRequest(nhs: string): SurfaceRequest;
export declare function encounterStartRequest(serviceId: string, nhs: string): SurfaceRequest;

export declare function detectSurfaces(
  base: string,
): Promise<{ fhir: boolean; cdsEncounterStart: string | null }>;

interface SurfaceRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Calls that carry their own credentials (one EHR JWT each), made this many times. */
  amount?: number;
  ehrSigned?: boolean;
  setupRequest?: (request: SurfaceRequest) => SurfaceRequest;
}
export declare function careTeamRequest(nhs: string): SurfaceRequest;
export declare function encounterStartRequest(
  base: string,
  serviceId: string,
  nhs: string,
  amount: number,
): Promise<SurfaceRequest>;

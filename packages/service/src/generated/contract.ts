// Generated from openapi/cpis.yaml by packages/service/scripts/generate-contract.mjs. Do not edit.
import type { OpenApiDocument } from '../contract-types.js';

export const contractDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'CP-IS Embed Kit API',
    version: '0.1.0',
    summary:
      'Child Protection – Information Sharing for unscheduled-care settings and local authorities.',
    license: {
      name: 'MIT',
      identifier: 'MIT',
    },
    description:
      "The contract of the CP-IS Embed Kit. The reference server, the mock service and the SDK\nall follow this document, never each other.\n\nA health-side user looks a person up (`POST /v1/checks`). When the check is\n**unscheduled** and finds a record, the responsible local authority (LA) is told\nautomatically through its notification feed. A **scheduled** check is a silent read.\n`no-record` means only that CP-IS holds nothing for that NHS number; it never means\nthat there are no safeguarding concerns.\n\n## Conventions\n\n- JSON over HTTPS. Dates are `YYYY-MM-DD` calendar dates in Europe/London; times are\n  RFC 3339 in UTC.\n- Every response carries `X-Request-ID`: the client's own when it sent a UUID,\n  otherwise a new UUID. It plays the part of NHS England's `TraceID`.\n- Errors are RFC 9457 `application/problem+json` with a `type` from the registry below.\n- Requests are refused in this order: 401 (token); 403 for what the token and the path\n  decide (an LA write by a clinician or by another LA, a check by someone who may make\n  no check), before any request body is read; 400 (request); 403 for what the body\n  decides (a check's access context); then 404/409 (state). A JSON body is refused as\n  it arrives when it nests deeper than 32 levels (400), and a batch at its 10,001st row\n  (413).\n- Unknown fields in a request body are refused with 400, never silently dropped.\n\n## Problem type registry\n\n| type | status | when |\n| --- | --- | --- |\n| `urn:cpis:problem:invalid-request` | 400 | the request breaks the contract; `errors[]` names each field |\n| `urn:cpis:problem:invalid-nhs-number` | 400 | an NHS number that is not ten digits with a valid Modulus 11 check digit |\n| `urn:cpis:problem:unauthenticated` | 401 | no token, or a token that is expired, badly signed, unsigned or for another audience |\n| `urn:cpis:problem:forbidden` | 403 | the principal may not do this (activity, organisation type or another LA) |\n| `urn:cpis:problem:not-found` | 404 | no such resource for this caller (another organisation's check is 404) |\n| `urn:cpis:problem:method-not-allowed` | 405 | the path exists, the method does not |\n| `urn:cpis:problem:conflict` | 409 | the state forbids it: authority without phones, a deleted plan id, a check with the same `Idempotency-Key` still in progress |\n| `urn:cpis:problem:payload-too-large` | 413 | more than 10,000 batch rows, or a body over the size limit |\n| `urn:cpis:problem:unsupported-media-type` | 415 | a body in a media type the operation does not take |\n| `urn:cpis:problem:request-timeout` | 408 | the request's headers or body did not arrive in time (HTTP layer, any path; the connection is then closed) |\n| `urn:cpis:problem:idempotency-key-reused` | 422 | the same `Idempotency-Key` with a different body |\n| `urn:cpis:problem:rate-limited` | 429 | too many requests from one user, or more live notification streams than one user may hold; `Retry-After` says when to try again |\n| `urn:cpis:problem:headers-too-large` | 431 | the request headers are over the size limit (HTTP layer, any path; the connection is then closed) |\n| `urn:cpis:problem:internal` | 500 | an unexpected fault; `detail` never leaks internals |\n| `urn:cpis:problem:unavailable` | 503 | the database or another dependency cannot be reached |\n\n## Authentication\n\n`Authorization: Bearer <JWT>`. Claims (see `components.schemas.TokenClaims`): `sub`,\n`name`, `role`, `orgType` (`health` | `local-authority`), `odsCode`, `orgName`,\n`activities` (national RBAC codes: `B0107` unscheduled checks that notify, `B0170`\nscheduled silent reads), `iss`, `aud`, `exp`. A health user with neither activity, or\nasking for the other context, gets 403: an ED user cannot make a silent read to avoid\nnotifying. An LA user may touch only its own `odsCode`; a clinician may read an\nauthority (its phones) and nothing else on the LA side.\n\n## Who may do what\n\nEach operation carries `x-cpis-access`: for each case, the status a canonical valid\nrequest gets from each principal. Principals: `none` (no token), `expired`,\n`bad-signature`, `alg-none`, `wrong-audience`, `clinician-b0107`, `clinician-b0170`,\n`clinician-no-activity` (a health user with no CP-IS activity), `own-la` (the LA named in\nthe path), `other-la` (any other LA). One table-driven test proves the table against the\nserver and the mock.\n\n## Lists, cursors and the live stream\n\nA list answers `{ \"items\": [...], \"nextCursor\" }` and takes `after` (an opaque cursor)\nand `limit` (1–500, default 100). `nextCursor` is always the position to continue from,\nalso when `items` is empty, so a poller never loses its place. Notification cursors are\nper authority and strictly increasing in commit order; each notification also carries\nits own `cursor`. `order=desc` returns the newest `limit` notifications, newest first,\nand its `nextCursor` is the position of the newest one, from which an ascending poll or\nthe stream continues.\n\n`GET …/notifications/stream` is Server-Sent Events (`text/event-stream`):\n\n```\nevent: notification\nid: <the notification's cursor>\ndata: <the Notification as JSON, on one line>\n\n: keep-alive (a comment line at least every 15 s)\n```\n\nIt starts after `Last-Event-ID` (or `after`), else from now. The response headers are\nsent once the subscription is live: a client that has them misses nothing after.\nDelivery is at least once and in order.\n\n## Decisions this contract makes where the design left a choice\n\n- Problem `type`s are URNs (`urn:cpis:problem:<kind>`): stable, and naming no host.\n- A plan is `ended` once the day after its `endDate` has begun (Europe/London): the end\n  day itself is still a plan day. `status` is worked out at read time.\n- Each `Notification` carries its own `cursor` (the same value as the stream's `id:`).\n- `PUT /v1/authorities/{odsCode}/plans/{planId}` for an authority that does not exist\n  (and so has no phones) is 409, like an authority without phones.\n- A batch's JSON rows are validated one by one against `BatchPlanRow`, so one bad row is\n  rejected on its own (`x-cpis-row-schema`); a body that is not an array is 400.\n- `X-Request-ID` that is not a UUID is ignored (a new one is issued), not refused.\n- `GET /v1/health` needs no token and ignores one that is sent.\n- `POST /v1/dev/tokens` answers 200 and exists only in development mode.\n- Every answer that carries patient data or a token (a check, a stored check, plans,\n  notifications and their stream, a development token) says `Cache-Control: no-store`\n  (declared per response as `components.headers.NoStore`).\n- The access history returned with a `record-found` check holds the earlier accesses\n  and this one, newest first, at most 25; a `no-record` answer has an empty history.\n\n## NHS England's CP-IS APIs, as a local stand-in\n\nThe same service also answers as NHS England's **CP-IS FHIR R4 API**\n(`/cpis/FHIR/R4/…`) and **Patient Flags API** (`/patient-flags-api/FHIR/R4/…`), over the\nsame data and rules: a vendor replaces `https://int.api.service.nhs.uk` with this\nserver's origin. These operations carry `x-cpis-surface: fhir`, and on their paths:\n\n- answers, errors included, are `application/fhir+json`; an error is an\n  `OperationOutcome` whose issue's `details` carry a code of\n  `https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode`: an invalid NHS number\n  or search parameter is 400 `INVALID_SEARCH_DATA`, a missing or invalid header 400\n  `PRECONDITION_FAILED`, a role that may not do this 401/403 `ACCESS_DENIED`;\n- the request id is the client's `TraceID` (a UUID), echoed in the answer's `TraceID`\n  header, else `X-Request-ID`, else a new one;\n- auth is the same bearer token as `/v1`; RBAC is the same: `B0107` for unscheduled\n  care, `B0170` for scheduled care;\n- **an omitted `IsUnscheduledAccessEvent` is taken as `true`**, as NHS England takes it:\n  the search notifies the responsible local authority;\n- the national API takes no access reason, so a notification it causes has\n  `reason: null` (\"no reason given\"). A reason is never invented.\n",
    contact: {
      name: 'CP-IS Embed Kit maintainers',
    },
  },
  servers: [
    {
      url: 'http://127.0.0.1:8080',
      description: 'the reference server as `npm start` runs it',
    },
  ],
  tags: [
    {
      name: 'checks',
      description: 'Health side — unscheduled and scheduled care settings look a person up.',
    },
    {
      name: 'authorities',
      description: 'Local-authority side — contact details and plans.',
    },
    {
      name: 'notifications',
      description: 'Local-authority side — who looked, where and when.',
    },
    {
      name: 'meta',
      description: 'Health, the contract itself, development tokens.',
    },
    {
      name: 'nhs-england-fhir',
      description:
        "NHS England's CP-IS FHIR R4 API and Patient Flags API, answered locally over the same\ndata and rules (`x-cpis-surface: fhir`).\n",
    },
    {
      name: 'cds-hooks',
      description:
        "HL7 CDS Hooks — CP-IS cards in any EHR that speaks it, authenticated by the EHR's own JWT.",
    },
  ],
  security: [
    {
      bearerAuth: [],
    },
  ],
  paths: {
    '/v1/checks': {
      post: {
        operationId: 'createCheck',
        tags: ['checks'],
        summary: 'Look a person up in CP-IS',
        description:
          "Answers 201 with a CheckResult. An **unscheduled** check that finds a record writes\none access entry and one notification to each responsible LA, except a repeat by the\nsame user from the same setting for the same NHS number and LA less than 24 hours\nafter the last entry written for them. A **scheduled** check is a silent read. Every\ncheck is audited in the same transaction as its access entry and notifications.\n\n`Idempotency-Key` (a UUID, scoped to the user **and** the organisation, that is the\ntoken's `sub` and `odsCode`, kept 24 hours): the same key and body from the same user\nat the same organisation answer the first result again (201) and write nothing; the\nsame key with another body is 422; a check with that key still in progress is 409.\nThe same key sent by the same user signed in at another organisation is a new check,\nwith its own access entry and notifications: a result made at one setting is never\nanswered at another.\n",
        parameters: [
          {
            $ref: '#/components/parameters/RequestId',
          },
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: false,
            description:
              "One UUID per logical check, reused on every retry of it; scoped to the token's `sub` and `odsCode`.",
            schema: {
              type: 'string',
              format: 'uuid',
            },
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CheckRequest',
              },
              examples: {
                unscheduled: {
                  value: {
                    nhsNumber: '9990000018',
                    nhsNumberVerified: true,
                    accessContext: 'unscheduled',
                    reason: {
                      code: 'unscheduled-attendance',
                    },
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': {
            description: 'The check was made (or, for a reused `Idempotency-Key`, made earlier).',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
              Location: {
                description: '`/v1/checks/{checkId}`',
                schema: {
                  type: 'string',
                },
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CheckResult',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '422': {
            $ref: '#/components/responses/IdempotencyKeyReused',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'unscheduled',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 201,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
          {
            case: 'scheduled',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 201,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/checks/{checkId}': {
      get: {
        operationId: 'getCheck',
        tags: ['checks'],
        summary: 'The stored result of an earlier check',
        description:
          "The result as it was when the check was made (a snapshot, not re-evaluated), for a\ncheck made by the caller's own organisation; audited, with no new access entry and\nno notification. Another organisation's check is 404. Needs `B0107` or `B0170`.\n",
        parameters: [
          {
            $ref: '#/components/parameters/RequestId',
          },
          {
            name: 'checkId',
            in: 'path',
            required: true,
            schema: {
              type: 'string',
              format: 'uuid',
            },
          },
        ],
        responses: {
          '200': {
            description: 'The stored result.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CheckResult',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 200,
              'clinician-b0170': 200,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        operationId: 'getAuthority',
        tags: ['authorities'],
        summary: "An authority's name and phone numbers",
        description: 'Any health user may read an authority; an LA may read only its own.',
        responses: {
          '200': {
            description: 'The authority.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Authority',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 200,
              'clinician-b0170': 200,
              'clinician-no-activity': 200,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
      put: {
        operationId: 'putAuthority',
        tags: ['authorities'],
        summary: "Set an authority's name and phone numbers",
        description: '200 with the authority; 201 the first time. Audited.',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/AuthorityInput',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Replaced.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Authority',
                },
              },
            },
          },
          '201': {
            description: 'Created.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Authority',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}/plans': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        operationId: 'listPlans',
        tags: ['authorities'],
        summary: "This authority's plans, by planId",
        description: 'Deleted plans are never returned. Ordered by `planId`, cursor-paginated.',
        parameters: [
          {
            $ref: '#/components/parameters/After',
          },
          {
            $ref: '#/components/parameters/Limit',
          },
        ],
        responses: {
          '200': {
            description: 'A page of plans.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/StoredPlanPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}/plans/batch': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      post: {
        operationId: 'batchPlans',
        tags: ['authorities'],
        summary: 'Upload up to 10,000 plans at once',
        description:
          'A JSON array of `BatchPlanRow`, or `text/csv` whose header row names the same fields\n(RFC 4180: quoted cells, CRLF or LF line ends, each line on its own so a file may mix\nthem, an optional BOM; an empty cell is absent; any other column, `__proto__`\nincluded, makes each row invalid). Each row is applied or rejected whole, and the answer has a result per row,\nnumbered from 1 in upload order. More than 10,000 rows is 413; an authority without\nphones is 409 for the whole batch. Audited.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'array',
                description:
                  'Each item is validated on its own against `BatchPlanRow`, so one bad row is rejected alone.',
                items: {
                  anyOf: [
                    {
                      $ref: '#/components/schemas/BatchPlanRow',
                    },
                    {
                      type: 'object',
                    },
                  ],
                },
              },
              example: [
                {
                  planId: 'HK-2025-0001',
                  nhsNumber: '9990000018',
                  type: 'CPP',
                  startDate: '2025-01-15',
                },
              ],
            },
            'text/csv': {
              schema: {
                type: 'string',
                description:
                  'Header row: planId,nhsNumber,type,startDate,endDate,expectedDeliveryDate',
              },
              example:
                'planId,nhsNumber,type,startDate,endDate,expectedDeliveryDate\nHK-2025-0001,9990000018,CPP,2025-01-15,,\n',
            },
          },
        },
        'x-cpis-row-schema': '#/components/schemas/BatchPlanRow',
        'x-cpis-max-rows': 10000,
        responses: {
          '200': {
            description: 'One result per row.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/BatchResult',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}/plans/{planId}': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
        {
          name: 'planId',
          in: 'path',
          required: true,
          description: "The LA's own id for the plan.",
          schema: {
            $ref: '#/components/schemas/PlanId',
          },
        },
      ],
      put: {
        operationId: 'putPlan',
        tags: ['authorities'],
        summary: 'Create or replace one plan',
        description:
          '201 when created, 200 when replaced. Ending a plan is setting its `endDate`. Refused\nwith 409 until the authority has its phones, and for a `planId` that was deleted.\nAudited.\n',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/PlanInput',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Replaced.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/StoredPlan',
                },
              },
            },
          },
          '201': {
            description: 'Created.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/StoredPlan',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '409': {
            $ref: '#/components/responses/Conflict',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
      delete: {
        operationId: 'deletePlan',
        tags: ['authorities'],
        summary: 'Delete a plan entered in error',
        description:
          '204; the plan is kept, marked deleted, never returned again. Audited. 404 if there is none.',
        responses: {
          '204': {
            description: 'Deleted.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 204,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}/notifications': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        operationId: 'listNotifications',
        tags: ['notifications'],
        summary: "This authority's access notifications",
        description:
          "Oldest first after `after`; `order=desc` gives the newest `limit` first (an inbox's\nfirst screen), with `nextCursor` at the newest. At least once, in order, nothing dropped.\n",
        parameters: [
          {
            $ref: '#/components/parameters/After',
          },
          {
            $ref: '#/components/parameters/Limit',
          },
          {
            name: 'order',
            in: 'query',
            required: false,
            schema: {
              type: 'string',
              enum: ['asc', 'desc'],
              default: 'asc',
            },
          },
        ],
        responses: {
          '200': {
            description: 'A page of notifications.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/NotificationPage',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/authorities/{odsCode}/notifications/stream': {
      parameters: [
        {
          $ref: '#/components/parameters/OdsCode',
        },
        {
          $ref: '#/components/parameters/RequestId',
        },
      ],
      get: {
        operationId: 'streamNotifications',
        tags: ['notifications'],
        summary: 'The notification feed, live, as Server-Sent Events',
        description:
          "`event: notification`, `id:` the notification's cursor, `data:` the Notification as\nJSON. A comment line at least every 15 s keeps it open. Starts after `Last-Event-ID`\n(or `after`), else from now; headers are sent once the subscription is live. One\nuser (token `sub`) may hold a bounded number of live streams at once (the reference\nserver: 10 per instance, configurable); one more is 429 with `Retry-After`, and\nclosing a stream frees its place.\n",
        parameters: [
          {
            $ref: '#/components/parameters/After',
          },
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            schema: {
              $ref: '#/components/schemas/Cursor',
            },
          },
        ],
        responses: {
          '200': {
            description: 'An open event stream.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'text/event-stream': {
                schema: {
                  type: 'string',
                },
                example: 'event: notification\nid: 42\ndata: {"notificationId":"…"}\n',
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '403': {
            $ref: '#/components/responses/Forbidden',
          },
          '429': {
            $ref: '#/components/responses/TooManyRequests',
          },
          '500': {
            $ref: '#/components/responses/Internal',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 200,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/health': {
      get: {
        operationId: 'getHealth',
        tags: ['meta'],
        summary: 'Whether the server can reach its database',
        security: [],
        responses: {
          '200': {
            description: 'Up.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Health',
                },
              },
            },
          },
          '503': {
            description: 'The database cannot be reached.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/Health',
                },
              },
            },
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 200,
              expired: 200,
              'bad-signature': 200,
              'alg-none': 200,
              'wrong-audience': 200,
              'clinician-b0107': 200,
              'clinician-b0170': 200,
              'clinician-no-activity': 200,
              'own-la': 200,
              'other-la': 200,
            },
          },
        ],
      },
    },
    '/v1/dev/tokens': {
      post: {
        operationId: 'createDevToken',
        tags: ['meta'],
        summary: 'Issue a token (development mode only)',
        description:
          'Exists only in development mode (what `npm start` runs), so the examples, Storybook\nand integration tests can sign in as anyone. In production mode the route does not\nexist (404) and tokens are verified against a configured key or JWKS.\n',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/DevTokenRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'A signed token for that principal, valid for 12 hours.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DevTokenResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
        },
      },
    },
    '/cpis/FHIR/R4/metadata': {
      get: {
        operationId: 'getFhirCapabilityStatement',
        'x-cpis-surface': 'fhir',
        tags: ['nhs-england-fhir'],
        summary: "The CP-IS FHIR API's CapabilityStatement",
        description:
          "A CapabilityStatement of `kind` instance for FHIR 4.0.1 with the resources and\nsearch parameters of NHS England's CP-IS FHIR API producer statement. Needs no token.\n",
        security: [],
        parameters: [
          {
            $ref: '#/components/parameters/TraceId',
          },
        ],
        responses: {
          '200': {
            description: 'The CapabilityStatement.',
            headers: {
              TraceID: {
                $ref: '#/components/headers/TraceId',
              },
            },
            content: {
              'application/fhir+json': {
                schema: {
                  $ref: '#/components/schemas/FhirResource',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/FhirError',
          },
          '500': {
            $ref: '#/components/responses/FhirError',
          },
          '503': {
            $ref: '#/components/responses/FhirError',
          },
        },
      },
    },
    '/cpis/FHIR/R4/CareTeam': {
      get: {
        operationId: 'searchCareTeam',
        'x-cpis-surface': 'fhir',
        'x-cpis-notifies': true,
        tags: ['nhs-england-fhir'],
        summary: "A person's child protection plans (CP-IS FHIR API)",
        description:
          "A searchset Bundle of CareTeams, one per plan shown (as `POST /v1/checks` shows\nthem); `total` 0 means CP-IS holds no record, never that there is no concern. Each\nCareTeam has the plan's SNOMED `category`, the responsible authority as `name` and\n`managingOrganization`, its office-hours phone (`telecom` `use=work`) and\nemergency-duty phone (`use=mobile`), the plan's `period`, and `subject` by NHS-number\nidentifier.\n\n**Unscheduled** (`IsUnscheduledAccessEvent: true`, **or the header omitted**) is the\nsame check as an unscheduled `POST /v1/checks`: with a record it writes an access\nentry and tells each responsible authority (collapsed for 24 hours per user,\nsetting and authority), with `reason: null`. Needs `B0107`. **Scheduled** (`false`) is\na silent read; needs `B0170`.\n",
        parameters: [
          {
            $ref: '#/components/parameters/PatientIdentifier',
          },
          {
            $ref: '#/components/parameters/IsUnscheduledAccessEvent',
          },
          {
            $ref: '#/components/parameters/TraceId',
          },
        ],
        responses: {
          '200': {
            $ref: '#/components/responses/FhirSearchset',
          },
          '400': {
            $ref: '#/components/responses/FhirError',
          },
          '401': {
            $ref: '#/components/responses/FhirError',
          },
          '403': {
            $ref: '#/components/responses/FhirError',
          },
          '429': {
            $ref: '#/components/responses/FhirError',
          },
          '500': {
            $ref: '#/components/responses/FhirError',
          },
          '503': {
            $ref: '#/components/responses/FhirError',
          },
        },
        'x-cpis-access': [
          {
            case: 'unscheduled',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 200,
              'clinician-b0170': 403,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
          {
            case: 'scheduled',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 200,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/cpis/FHIR/R4/AuditEvent': {
      get: {
        operationId: 'searchAuditEvent',
        'x-cpis-surface': 'fhir',
        tags: ['nhs-england-fhir'],
        summary: "Who accessed a person's CP-IS record (CP-IS FHIR API)",
        description:
          "A searchset Bundle of AuditEvents, newest first, at most 25: the accesses written\nfor this NHS number (`recorded` is when). With `_include=AuditEvent:agent` each\naccess's PractitionerRole is included (`search.mode` include), with the role as its\n`code` and the setting as its `organization`. The search is not itself an access: it\nwrites no access entry and notifies no one, whatever `IsUnscheduledAccessEvent`\nsays. Needs `B0107` or `B0170`.\n",
        parameters: [
          {
            $ref: '#/components/parameters/PatientIdentifier',
          },
          {
            name: '_include',
            in: 'query',
            required: false,
            description:
              '`AuditEvent:agent`, the PractitionerRole of each access; no other include is taken.',
            schema: {
              type: 'string',
              enum: ['AuditEvent:agent'],
            },
          },
          {
            $ref: '#/components/parameters/IsUnscheduledAccessEvent',
          },
          {
            $ref: '#/components/parameters/TraceId',
          },
        ],
        responses: {
          '200': {
            $ref: '#/components/responses/FhirSearchset',
          },
          '400': {
            $ref: '#/components/responses/FhirError',
          },
          '401': {
            $ref: '#/components/responses/FhirError',
          },
          '403': {
            $ref: '#/components/responses/FhirError',
          },
          '429': {
            $ref: '#/components/responses/FhirError',
          },
          '500': {
            $ref: '#/components/responses/FhirError',
          },
          '503': {
            $ref: '#/components/responses/FhirError',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 200,
              'clinician-b0170': 200,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/patient-flags-api/FHIR/R4/PatientFlag': {
      get: {
        operationId: 'searchPatientFlag',
        'x-cpis-surface': 'fhir',
        tags: ['nhs-england-fhir'],
        summary: "A person's CP-IS flags (Patient Flags API, scheduled care)",
        description:
          'A searchset Bundle: per plan shown, a Flag (`child-protection-information-system-flag`,\nmatched) pointing by `flag-detail` at a CarePlan, which points at the CareTeam of the\nresponsible authority (both included). For scheduled care: a silent read that\nnotifies no one and writes no access entry. Needs `B0170`. `IsUnscheduledAccessEvent`\nis not read.\n',
        parameters: [
          {
            name: 'patient',
            in: 'query',
            required: true,
            description: 'The NHS number (ten digits, valid Modulus 11 check digit).',
            schema: {
              type: 'string',
              maxLength: 64,
            },
          },
          {
            name: 'code',
            in: 'query',
            required: true,
            description: 'The flag category; this service holds CP-IS flags only.',
            schema: {
              type: 'string',
              enum: ['child-protection-information-system-flag'],
            },
          },
          {
            $ref: '#/components/parameters/IsUnscheduledAccessEvent',
          },
          {
            $ref: '#/components/parameters/TraceId',
          },
        ],
        responses: {
          '200': {
            $ref: '#/components/responses/FhirSearchset',
          },
          '400': {
            $ref: '#/components/responses/FhirError',
          },
          '401': {
            $ref: '#/components/responses/FhirError',
          },
          '403': {
            $ref: '#/components/responses/FhirError',
          },
          '429': {
            $ref: '#/components/responses/FhirError',
          },
          '500': {
            $ref: '#/components/responses/FhirError',
          },
          '503': {
            $ref: '#/components/responses/FhirError',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 403,
              'clinician-b0170': 200,
              'clinician-no-activity': 403,
              'own-la': 403,
              'other-la': 403,
            },
          },
        ],
      },
    },
    '/v1/dev/cds-hooks-tokens': {
      post: {
        operationId: 'createDevCdsHooksToken',
        tags: ['meta'],
        summary: 'Sign a CDS Hooks JWT as a development EHR (development mode only)',
        description:
          'Exists only in development mode with no `CPIS_CDS_HOOKS_TRUST`: the server then\ntrusts its own development EHRs (an emergency department, unscheduled; a GP\npractice, scheduled), holds their keys, and signs their JWTs here, so the\nEHR simulator in `examples/` and local tests can call the CDS Hooks services as an\nEHR would. In production the route does not exist (404).\n',
        security: [],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/DevCdsHooksTokenRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'A JWT for that EHR and service, valid for five minutes, usable once.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/DevCdsHooksTokenResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
        },
      },
    },
    '/cds-services': {
      get: {
        operationId: 'cdsDiscovery',
        'x-cpis-surface': 'cds-hooks',
        tags: ['cds-hooks'],
        summary: 'CDS Hooks discovery',
        description:
          'The CDS Hooks services of CP-IS (HL7 CDS Hooks 2.0): `cpis-encounter-start` and\n`cpis-patient-view`, each asking for the Patient and the user as prefetch. Needs no\ntoken. Does not exist (404) when the deployment trusts no EHR.\n',
        security: [],
        responses: {
          '200': {
            description: 'The services.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CdsDiscovery',
                },
              },
            },
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 200,
              expired: 200,
              'bad-signature': 200,
              'alg-none': 200,
              'wrong-audience': 200,
              'clinician-b0107': 200,
              'clinician-b0170': 200,
              'clinician-no-activity': 200,
              'own-la': 200,
              'other-la': 200,
            },
          },
        ],
      },
    },
    '/cds-services/{id}': {
      parameters: [
        {
          $ref: '#/components/parameters/CdsServiceId',
        },
      ],
      post: {
        operationId: 'cdsHookCall',
        'x-cpis-surface': 'cds-hooks',
        tags: ['cds-hooks'],
        summary: 'Call a CDS Hooks service',
        description:
          "The EHR calls a service at its hook, authenticated by its own signed JWT\n(`cdsHooksJwt`), never a `/v1` token. The answer is always exactly one card, and its\nindicator says whether the CP-IS status is known: `critical` a record found,\n`info` no record, `warning` not known (not checked, not checkable, failed, timed\nout, not allowed). Whatever fails once the EHR is authenticated is a `warning` card,\nnever an empty list or an error.\n\n- `cpis-encounter-start` from an unscheduled-care EHR makes the unscheduled check\n  (reason `unscheduled-attendance`) under the rules of `POST /v1/checks`: the\n  notification, the 24-hour collapse (the user is the EHR's `iss` plus\n  `context.userId`) and the audit. `hookInstance` is its idempotency key.\n- `cpis-patient-view` never notifies. For an unscheduled-care user it shows the\n  check this user made at this encounter (EHR, encounter, NHS number, user), with\n  no new access, or a card that reveals nothing of the record and links to the\n  banner, where the user gives a reason and checks.\n- From a scheduled-care EHR (B0170) either hook is a silent read.\n\nThe NHS number is the prefetched Patient's `https://fhir.nhs.uk/Id/nhs-number`\nidentifier, checked only when UK Core's NHS number verification status is `01`;\nwithout a prefetched Patient it is read from `fhirServer` with\n`fhirAuthorization`.\n",
        security: [
          {
            cdsHooksJwt: [],
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CdsHookRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'One card.',
            headers: {
              'Cache-Control': {
                $ref: '#/components/headers/NoStore',
              },
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
            content: {
              'application/json': {
                schema: {
                  $ref: '#/components/schemas/CdsHookResponse',
                },
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 401,
              'clinician-b0170': 401,
              'clinician-no-activity': 401,
              'own-la': 401,
              'other-la': 401,
            },
          },
        ],
      },
    },
    '/cds-services/{id}/feedback': {
      parameters: [
        {
          $ref: '#/components/parameters/CdsServiceId',
        },
      ],
      post: {
        operationId: 'cdsFeedback',
        'x-cpis-surface': 'cds-hooks',
        tags: ['cds-hooks'],
        summary: "Feedback on a service's cards",
        description:
          'Which cards the clinician accepted or overrode, with the override reason and\ncomment, recorded in the audit (`cds-hooks.card.accepted` or\n`cds-hooks.card.overridden`, by the EHR). Authenticated as a hook call is.\n',
        security: [
          {
            cdsHooksJwt: [],
          },
        ],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                $ref: '#/components/schemas/CdsFeedbackRequest',
              },
            },
          },
        },
        responses: {
          '200': {
            description: 'Recorded.',
            headers: {
              'X-Request-ID': {
                $ref: '#/components/headers/RequestId',
              },
            },
          },
          '400': {
            $ref: '#/components/responses/BadRequest',
          },
          '401': {
            $ref: '#/components/responses/Unauthorized',
          },
          '404': {
            $ref: '#/components/responses/NotFound',
          },
          '413': {
            $ref: '#/components/responses/PayloadTooLarge',
          },
          '415': {
            $ref: '#/components/responses/UnsupportedMediaType',
          },
          '503': {
            $ref: '#/components/responses/Unavailable',
          },
        },
        'x-cpis-access': [
          {
            case: 'default',
            statuses: {
              none: 401,
              expired: 401,
              'bad-signature': 401,
              'alg-none': 401,
              'wrong-audience': 401,
              'clinician-b0107': 401,
              'clinician-b0170': 401,
              'clinician-no-activity': 401,
              'own-la': 401,
              'other-la': 401,
            },
          },
        ],
      },
    },
  },
  components: {
    securitySchemes: {
      bearerAuth: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A JWT whose claims are `TokenClaims`; `iss` and `aud` are checked.',
      },
      cdsHooksJwt: {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          "CDS Hooks: a JWT the EHR signs (ES384 or RS384) with `iss` (an EHR listed in\n`CPIS_CDS_HOOKS_TRUST`), `aud` (`CPIS_PUBLIC_URL` + `/cds-services/{id}`), `exp`\nand `jti`; verified against that EHR's JWK Set, with at most 60 s of clock skew. A\n`jku` header naming another JWK Set is ignored. Each `jti` is accepted once.\n",
      },
    },
    headers: {
      NoStore: {
        description:
          'The answer carries patient data or a token: no cache (browser, proxy or gateway) may\nkeep it. `no-store`, with other directives after it allowed (the stream adds\n`no-transform`).\n',
        required: true,
        schema: {
          type: 'string',
          pattern: '^no-store(, *[a-z-]+)*$',
        },
      },
      RequestId: {
        description: "The client's `X-Request-ID` when it sent a UUID, else a new UUID.",
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      TraceId: {
        description: "The request id (NHS England's `TraceID`), the same as `X-Request-ID`.",
        required: true,
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      RetryAfter: {
        description: 'Seconds to wait before trying again.',
        schema: {
          type: 'integer',
          minimum: 0,
        },
      },
    },
    parameters: {
      RequestId: {
        name: 'X-Request-ID',
        in: 'header',
        required: false,
        description:
          "A UUID that traces the request end to end (NHS England's `TraceID`); anything else is ignored.",
        schema: {
          type: 'string',
        },
      },
      TraceId: {
        name: 'TraceID',
        in: 'header',
        required: false,
        description:
          "A UUID that names the request (NHS England's `TraceID`), used as its request id and echoed; anything else is 400 `PRECONDITION_FAILED`.",
        schema: {
          type: 'string',
          format: 'uuid',
        },
      },
      IsUnscheduledAccessEvent: {
        name: 'IsUnscheduledAccessEvent',
        in: 'header',
        required: false,
        description:
          "`true` for unscheduled care (the search notifies the responsible local authority),\n`false` for scheduled care (a silent read). **Omitted, it is taken as `true`**, as\nNHS England's service takes it. Anything else is 400 `PRECONDITION_FAILED`.\n",
        schema: {
          type: 'string',
          enum: ['true', 'false'],
        },
      },
      PatientIdentifier: {
        name: 'patient:identifier',
        in: 'query',
        required: true,
        description:
          '`https://fhir.nhs.uk/Id/nhs-number|{NHS number}`; an NHS number that is not ten digits with a valid Modulus 11 check digit is 400 `INVALID_SEARCH_DATA`.',
        schema: {
          type: 'string',
          maxLength: 128,
          pattern: '^https://fhir\\.nhs\\.uk/Id/nhs-number\\|',
        },
      },
      OdsCode: {
        name: 'odsCode',
        in: 'path',
        required: true,
        description: "The local authority's ODS code.",
        schema: {
          $ref: '#/components/schemas/OdsCode',
        },
      },
      After: {
        name: 'after',
        in: 'query',
        required: false,
        description: "An opaque cursor from a previous `nextCursor` (or a stream event's `id`).",
        schema: {
          $ref: '#/components/schemas/Cursor',
        },
      },
      Limit: {
        name: 'limit',
        in: 'query',
        required: false,
        schema: {
          type: 'integer',
          minimum: 1,
          maximum: 500,
          default: 100,
        },
      },
      CdsServiceId: {
        name: 'id',
        in: 'path',
        required: true,
        description: 'A CDS Hooks service (`cpis-encounter-start`, `cpis-patient-view`).',
        schema: {
          type: 'string',
          pattern: '^[a-z0-9-]{1,64}$',
        },
      },
    },
    responses: {
      BadRequest: {
        description:
          'The request breaks the contract (`invalid-request`), or an NHS number is invalid (`invalid-nhs-number`).',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
            example: {
              type: 'urn:cpis:problem:invalid-nhs-number',
              title: 'Invalid NHS number',
              status: 400,
              detail: 'nhsNumber must be ten digits with a valid Modulus 11 check digit.',
              requestId: '0b7b2f4e-7d8a-4f7e-9b3e-2a3c1d5e6f70',
              errors: [
                {
                  field: '/nhsNumber',
                  message: 'not a valid NHS number',
                },
              ],
            },
          },
        },
      },
      Unauthorized: {
        description: 'No valid token.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
          'WWW-Authenticate': {
            schema: {
              type: 'string',
            },
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      Forbidden: {
        description: 'The principal may not do this.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      NotFound: {
        description: 'No such resource for this caller.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      Conflict: {
        description: 'The current state forbids the request.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      PayloadTooLarge: {
        description: 'Too many rows or too large a body.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      UnsupportedMediaType: {
        description: "The body's media type is not one this operation takes.",
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      IdempotencyKeyReused: {
        description: 'The same `Idempotency-Key` was sent with a different body.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      TooManyRequests: {
        description: 'Too many requests from this user.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
          'Retry-After': {
            $ref: '#/components/headers/RetryAfter',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      Internal: {
        description: 'An unexpected fault; the detail never leaks internals.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      Unavailable: {
        description: 'A dependency (the database) cannot be reached.',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
          'Retry-After': {
            $ref: '#/components/headers/RetryAfter',
          },
        },
        content: {
          'application/problem+json': {
            schema: {
              $ref: '#/components/schemas/Problem',
            },
          },
        },
      },
      FhirSearchset: {
        description:
          'A FHIR R4 searchset Bundle; `total` is the number of matches (0 is no record).',
        headers: {
          'Cache-Control': {
            $ref: '#/components/headers/NoStore',
          },
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
          TraceID: {
            $ref: '#/components/headers/TraceId',
          },
        },
        content: {
          'application/fhir+json': {
            schema: {
              $ref: '#/components/schemas/FhirSearchsetBundle',
            },
          },
        },
      },
      FhirError: {
        description:
          'An OperationOutcome with an `England-SpineErrorOrWarningCode` (400\n`INVALID_SEARCH_DATA` or `PRECONDITION_FAILED`, 401/403 `ACCESS_DENIED`…).\n',
        headers: {
          'X-Request-ID': {
            $ref: '#/components/headers/RequestId',
          },
          TraceID: {
            $ref: '#/components/headers/TraceId',
          },
        },
        content: {
          'application/fhir+json': {
            schema: {
              $ref: '#/components/schemas/OperationOutcome',
            },
          },
        },
      },
    },
    schemas: {
      NhsNumber: {
        type: 'string',
        description:
          'Ten digits whose tenth is a valid Modulus 11 check digit. Anything else is 400 `invalid-nhs-number`.',
        pattern: '^[0-9]{10}$',
        examples: ['9990000018'],
      },
      OdsCode: {
        type: 'string',
        description: 'An ODS organisation code.',
        pattern: '^[A-Z0-9]{3,8}$',
        examples: ['211'],
      },
      Phone: {
        type: 'string',
        description: 'A UK-style phone number; at least seven of its characters are digits.',
        pattern: '^(?=(?:[^0-9]*[0-9]){7})[0-9 +()]{7,20}$',
        examples: ['020 7364 5000'],
      },
      PlanId: {
        type: 'string',
        description: "The LA's own id for a plan.",
        pattern: '^[A-Za-z0-9_-]{1,64}$',
        examples: ['TH-LAC-0042'],
      },
      CalendarDate: {
        type: 'string',
        format: 'date',
        description: 'A calendar date (Europe/London).',
        examples: ['2025-01-15'],
      },
      Timestamp: {
        type: 'string',
        format: 'date-time',
        description: 'An RFC 3339 time in UTC.',
        examples: ['2025-11-25T14:02:00.000Z'],
      },
      Cursor: {
        type: 'string',
        description:
          'An opaque position in a list or feed. Clients store it and send it back; they never build one.',
        pattern: '^[A-Za-z0-9._~-]{1,200}$',
        examples: ['42'],
      },
      AccessContext: {
        type: 'string',
        enum: ['unscheduled', 'scheduled'],
        description:
          '`unscheduled` notifies the responsible LA (needs B0107); `scheduled` is a silent read (needs B0170). Never defaulted.',
      },
      ReasonCode: {
        type: 'string',
        enum: ['unscheduled-attendance', 'safeguarding-concern', 'clinical-review', 'other'],
      },
      AccessReason: {
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: {
          code: {
            $ref: '#/components/schemas/ReasonCode',
          },
          comment: {
            type: 'string',
            maxLength: 500,
            description:
              'Required when `code` is `other`, and then holding at least one visible character:\nnot only spaces or invisible characters (U+200B and other zero-width, format or\ndefault-ignorable characters).\n',
          },
        },
      },
      CheckRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['nhsNumber', 'nhsNumberVerified', 'accessContext', 'reason'],
        properties: {
          nhsNumber: {
            type: 'string',
            description:
              'Ten digits, Modulus 11 valid; anything else (letters and spaces included) is 400 `invalid-nhs-number`.',
          },
          nhsNumberVerified: {
            type: 'boolean',
            description: 'The host traced this number on PDS. Recorded in the audit.',
          },
          accessContext: {
            $ref: '#/components/schemas/AccessContext',
          },
          reason: {
            $ref: '#/components/schemas/AccessReason',
          },
        },
      },
      PlanType: {
        type: 'string',
        enum: ['CPP', 'LAC', 'UCPP'],
        description:
          "Child Protection Plan, Looked After Child, Unborn Child Protection Plan (held on the pregnant woman's record).",
      },
      PlanStatus: {
        type: 'string',
        enum: ['active', 'ended'],
      },
      Authority: {
        type: 'object',
        additionalProperties: false,
        required: ['odsCode', 'name', 'officeHoursPhone', 'emergencyDutyPhone'],
        properties: {
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
          },
          officeHoursPhone: {
            $ref: '#/components/schemas/Phone',
          },
          emergencyDutyPhone: {
            $ref: '#/components/schemas/Phone',
          },
        },
        examples: [
          {
            odsCode: '211',
            name: 'London Borough of Tower Hamlets',
            officeHoursPhone: '020 7364 5000',
            emergencyDutyPhone: '020 7364 4079',
          },
        ],
      },
      AuthorityInput: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'officeHoursPhone', 'emergencyDutyPhone'],
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
          },
          officeHoursPhone: {
            $ref: '#/components/schemas/Phone',
          },
          emergencyDutyPhone: {
            $ref: '#/components/schemas/Phone',
          },
        },
      },
      Plan: {
        type: 'object',
        additionalProperties: false,
        required: ['planId', 'type', 'status', 'startDate', 'responsibleAuthority'],
        description:
          "A plan as a clinician sees it. `expectedDeliveryDate` is only ever on a UCPP, and always on one from this kit's service; NHS England's APIs give none (see `CheckResult.answeredBy`).",
        properties: {
          planId: {
            $ref: '#/components/schemas/PlanId',
          },
          type: {
            $ref: '#/components/schemas/PlanType',
          },
          status: {
            $ref: '#/components/schemas/PlanStatus',
          },
          startDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          endDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          expectedDeliveryDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          responsibleAuthority: {
            $ref: '#/components/schemas/PlanAuthority',
          },
        },
      },
      PlanAuthority: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'officeHoursPhone', 'emergencyDutyPhone'],
        description:
          "The local authority responsible for a plan, as a check answer gives it. This kit's\nservice always gives `odsCode`; NHS England's CP-IS FHIR and Patient Flags APIs name\nthe authority only (`CareTeam.name`), so an answer from them has no `odsCode`.\n",
        properties: {
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
          },
          officeHoursPhone: {
            $ref: '#/components/schemas/Phone',
          },
          emergencyDutyPhone: {
            $ref: '#/components/schemas/Phone',
          },
        },
      },
      Setting: {
        type: 'object',
        additionalProperties: false,
        required: ['odsCode', 'name'],
        properties: {
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          name: {
            type: 'string',
            maxLength: 200,
          },
        },
      },
      AccessSetting: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        description:
          "Where an access was made. This kit's service always gives `odsCode`; NHS England's\nCP-IS FHIR API names the organisation only (`PractitionerRole.organization.display`),\nso an entry from it has no `odsCode`.\n",
        properties: {
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          name: {
            type: 'string',
            maxLength: 200,
          },
        },
      },
      AccessEntry: {
        type: 'object',
        additionalProperties: false,
        required: ['accessedAt', 'setting', 'userRole'],
        description: 'An earlier CP-IS access from unscheduled care (not every visit).',
        properties: {
          accessedAt: {
            $ref: '#/components/schemas/Timestamp',
          },
          setting: {
            $ref: '#/components/schemas/AccessSetting',
          },
          userRole: {
            type: 'string',
            maxLength: 100,
          },
        },
      },
      CheckResult: {
        type: 'object',
        additionalProperties: false,
        required: [
          'checkId',
          'nhsNumber',
          'checkedAt',
          'accessContext',
          'outcome',
          'plans',
          'accessHistory',
          'notifiedAuthorities',
        ],
        description:
          '`record-found` has at least one plan; `no-record` has none and an empty\n`accessHistory`. `no-record` means only that CP-IS holds nothing for this NHS number.\n',
        properties: {
          checkId: {
            type: 'string',
            format: 'uuid',
          },
          nhsNumber: {
            $ref: '#/components/schemas/NhsNumber',
          },
          checkedAt: {
            $ref: '#/components/schemas/Timestamp',
          },
          accessContext: {
            $ref: '#/components/schemas/AccessContext',
          },
          outcome: {
            type: 'string',
            enum: ['record-found', 'no-record'],
          },
          plans: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Plan',
            },
          },
          accessHistory: {
            type: 'array',
            maxItems: 25,
            description: 'Newest first, at most 25, including this check when it wrote an entry.',
            items: {
              $ref: '#/components/schemas/AccessEntry',
            },
          },
          notifiedAuthorities: {
            type: 'array',
            description:
              'The ODS codes told about this check; empty for a silent read or a repeat within 24 hours. Means nothing when `notificationsKnown` is false, and is then empty.',
            items: {
              $ref: '#/components/schemas/OdsCode',
            },
          },
          notificationsKnown: {
            type: 'boolean',
            description:
              'Whether the answering service says which local authorities it told. Absent means\ntrue (this kit\'s service always says). False for NHS England\'s CP-IS FHIR API,\nwhich notifies the responsible authority of an unscheduled check but does not say\nwhom it told: `notifiedAuthorities` is then empty and must not be read as "no one\nwas told".\n',
          },
          answeredBy: {
            type: 'string',
            enum: ['cpis-embed-kit', 'nhs-cpis-fhir', 'nhs-patient-flags'],
            description:
              "Which service answered, for support calls. Absent means this kit's `/v1` service.\n`nhs-cpis-fhir` and `nhs-patient-flags` give no expected delivery date for a UCPP,\nso a UCPP from them has none.\n",
          },
        },
        examples: [
          {
            checkId: '6f1c2b8e-2f4a-4c1e-9a51-1b7d2c3e4f50',
            nhsNumber: '9990000026',
            checkedAt: '2025-11-25T14:02:00.000Z',
            accessContext: 'unscheduled',
            outcome: 'record-found',
            plans: [
              {
                planId: 'TH-LAC-0042',
                type: 'LAC',
                status: 'active',
                startDate: '2024-06-03',
                responsibleAuthority: {
                  odsCode: '211',
                  name: 'London Borough of Tower Hamlets',
                  officeHoursPhone: '020 7364 5000',
                  emergencyDutyPhone: '020 7364 4079',
                },
              },
            ],
            accessHistory: [
              {
                accessedAt: '2025-11-25T14:02:00.000Z',
                setting: {
                  odsCode: 'RQXM1',
                  name: 'Homerton Emergency Department',
                },
                userRole: 'Emergency department nurse',
              },
            ],
            notifiedAuthorities: ['211'],
          },
        ],
      },
      PlanInput: {
        type: 'object',
        additionalProperties: false,
        required: ['nhsNumber', 'type', 'startDate'],
        description:
          '`endDate` ≥ `startDate`; `startDate` not in the future; `expectedDeliveryDate` required for a UCPP and refused otherwise.',
        properties: {
          nhsNumber: {
            type: 'string',
            description:
              'Ten digits, Modulus 11 valid; anything else is refused with `invalid-nhs-number`.',
          },
          type: {
            $ref: '#/components/schemas/PlanType',
          },
          startDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          endDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          expectedDeliveryDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
        },
      },
      BatchPlanRow: {
        type: 'object',
        additionalProperties: false,
        required: ['planId', 'nhsNumber', 'type', 'startDate'],
        properties: {
          planId: {
            $ref: '#/components/schemas/PlanId',
          },
          nhsNumber: {
            type: 'string',
            description:
              'Ten digits, Modulus 11 valid; anything else is refused with `invalid-nhs-number`.',
          },
          type: {
            $ref: '#/components/schemas/PlanType',
          },
          startDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          endDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          expectedDeliveryDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
        },
      },
      StoredPlan: {
        type: 'object',
        additionalProperties: false,
        required: ['planId', 'nhsNumber', 'type', 'status', 'startDate', 'updatedAt'],
        description: 'A plan as its LA sees it.',
        properties: {
          planId: {
            $ref: '#/components/schemas/PlanId',
          },
          nhsNumber: {
            $ref: '#/components/schemas/NhsNumber',
          },
          type: {
            $ref: '#/components/schemas/PlanType',
          },
          status: {
            $ref: '#/components/schemas/PlanStatus',
          },
          startDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          endDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          expectedDeliveryDate: {
            $ref: '#/components/schemas/CalendarDate',
          },
          updatedAt: {
            $ref: '#/components/schemas/Timestamp',
          },
        },
      },
      StoredPlanPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'nextCursor'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/StoredPlan',
            },
          },
          nextCursor: {
            $ref: '#/components/schemas/Cursor',
          },
        },
      },
      BatchRowResult: {
        type: 'object',
        additionalProperties: false,
        required: ['row', 'status'],
        properties: {
          row: {
            type: 'integer',
            minimum: 1,
            description: "The row's place in the upload, from 1 (CSV: not counting the header).",
          },
          planId: {
            type: 'string',
            description: "The row's `planId` as sent (absent when the row had none).",
          },
          status: {
            type: 'string',
            enum: ['accepted', 'rejected'],
          },
          problem: {
            $ref: '#/components/schemas/Problem',
          },
        },
      },
      BatchResult: {
        type: 'object',
        additionalProperties: false,
        required: ['results'],
        properties: {
          results: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/BatchRowResult',
            },
          },
        },
      },
      NotificationUser: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'role'],
        properties: {
          name: {
            type: 'string',
            maxLength: 200,
          },
          role: {
            type: 'string',
            maxLength: 100,
          },
        },
      },
      Notification: {
        type: 'object',
        additionalProperties: false,
        required: [
          'notificationId',
          'cursor',
          'createdAt',
          'nhsNumber',
          'planIds',
          'accessedAt',
          'setting',
          'user',
          'reason',
        ],
        description:
          "An access to service notification — who looked, where, when and why. `reason` is\n`null` when no reason was given: an access through NHS England's CP-IS FHIR API,\nwhich takes none. A reason is never invented.\n",
        properties: {
          notificationId: {
            type: 'string',
            format: 'uuid',
          },
          cursor: {
            $ref: '#/components/schemas/Cursor',
          },
          createdAt: {
            $ref: '#/components/schemas/Timestamp',
          },
          nhsNumber: {
            $ref: '#/components/schemas/NhsNumber',
          },
          planIds: {
            type: 'array',
            minItems: 1,
            items: {
              $ref: '#/components/schemas/PlanId',
            },
          },
          accessedAt: {
            $ref: '#/components/schemas/Timestamp',
          },
          setting: {
            $ref: '#/components/schemas/Setting',
          },
          user: {
            $ref: '#/components/schemas/NotificationUser',
          },
          reason: {
            description: 'Why the record was looked at; `null` when no reason was given.',
            oneOf: [
              {
                $ref: '#/components/schemas/AccessReason',
              },
              {
                type: 'null',
              },
            ],
          },
        },
      },
      NotificationPage: {
        type: 'object',
        additionalProperties: false,
        required: ['items', 'nextCursor'],
        properties: {
          items: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Notification',
            },
          },
          nextCursor: {
            $ref: '#/components/schemas/Cursor',
          },
        },
      },
      FieldError: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'message'],
        properties: {
          field: {
            type: 'string',
            description:
              "A JSON Pointer to the field (`/nhsNumber`, `/reason/comment`), or the parameter's name.",
          },
          message: {
            type: 'string',
          },
        },
      },
      ProblemType: {
        type: 'string',
        enum: [
          'urn:cpis:problem:invalid-request',
          'urn:cpis:problem:invalid-nhs-number',
          'urn:cpis:problem:unauthenticated',
          'urn:cpis:problem:forbidden',
          'urn:cpis:problem:not-found',
          'urn:cpis:problem:method-not-allowed',
          'urn:cpis:problem:conflict',
          'urn:cpis:problem:payload-too-large',
          'urn:cpis:problem:unsupported-media-type',
          'urn:cpis:problem:request-timeout',
          'urn:cpis:problem:idempotency-key-reused',
          'urn:cpis:problem:rate-limited',
          'urn:cpis:problem:headers-too-large',
          'urn:cpis:problem:internal',
          'urn:cpis:problem:unavailable',
        ],
      },
      Problem: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'title', 'status', 'requestId'],
        description: 'RFC 9457 problem details.',
        properties: {
          type: {
            $ref: '#/components/schemas/ProblemType',
          },
          title: {
            type: 'string',
          },
          status: {
            type: 'integer',
            minimum: 400,
            maximum: 599,
          },
          detail: {
            type: 'string',
          },
          requestId: {
            type: 'string',
            format: 'uuid',
          },
          errors: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/FieldError',
            },
          },
        },
      },
      FhirResource: {
        type: 'object',
        description: 'A FHIR R4 resource; validated as FHIR by a FHIR library, not by this schema.',
        required: ['resourceType'],
        properties: {
          resourceType: {
            type: 'string',
          },
        },
      },
      FhirSearchsetBundle: {
        type: 'object',
        description: 'A FHIR R4 Bundle of type searchset.',
        required: ['resourceType', 'type', 'total'],
        properties: {
          resourceType: {
            const: 'Bundle',
          },
          type: {
            const: 'searchset',
          },
          total: {
            type: 'integer',
            minimum: 0,
          },
          entry: {
            type: 'array',
            items: {
              type: 'object',
              required: ['resource'],
              properties: {
                resource: {
                  $ref: '#/components/schemas/FhirResource',
                },
              },
            },
          },
        },
      },
      OperationOutcome: {
        type: 'object',
        description:
          'A FHIR R4 OperationOutcome whose first issue carries an England-SpineErrorOrWarningCode.',
        required: ['resourceType', 'issue'],
        properties: {
          resourceType: {
            const: 'OperationOutcome',
          },
          issue: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              required: ['severity', 'code', 'details'],
              properties: {
                severity: {
                  type: 'string',
                },
                code: {
                  type: 'string',
                },
                details: {
                  type: 'object',
                  required: ['coding'],
                  properties: {
                    coding: {
                      type: 'array',
                      minItems: 1,
                      items: {
                        type: 'object',
                        required: ['system', 'code'],
                        properties: {
                          system: {
                            const: 'https://fhir.nhs.uk/CodeSystem/England-SpineErrorOrWarningCode',
                          },
                          code: {
                            type: 'string',
                            pattern: '^[A-Z_]+$',
                          },
                        },
                      },
                    },
                  },
                },
                diagnostics: {
                  type: 'string',
                },
              },
            },
          },
        },
      },
      Health: {
        type: 'object',
        additionalProperties: false,
        required: ['status'],
        properties: {
          status: {
            type: 'string',
            enum: ['ok', 'unavailable'],
          },
        },
      },
      OrgType: {
        type: 'string',
        enum: ['health', 'local-authority'],
      },
      Activity: {
        type: 'string',
        pattern: '^B[0-9]{4}$',
        description: 'A national RBAC activity code.',
      },
      TokenClaims: {
        type: 'object',
        description: 'The claims every bearer token carries.',
        required: [
          'sub',
          'name',
          'role',
          'orgType',
          'odsCode',
          'orgName',
          'activities',
          'iss',
          'aud',
          'exp',
        ],
        properties: {
          sub: {
            type: 'string',
          },
          name: {
            type: 'string',
          },
          role: {
            type: 'string',
          },
          orgType: {
            $ref: '#/components/schemas/OrgType',
          },
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          orgName: {
            type: 'string',
          },
          activities: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/Activity',
            },
          },
          iss: {
            type: 'string',
          },
          aud: {
            description: "The audience, or several (RFC 7519); one of them must be this API's.",
            oneOf: [
              {
                type: 'string',
              },
              {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'string',
                },
              },
            ],
          },
          exp: {
            type: 'integer',
          },
        },
      },
      DevTokenRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'orgType', 'odsCode', 'orgName', 'role', 'activities'],
        properties: {
          name: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
          },
          orgType: {
            $ref: '#/components/schemas/OrgType',
          },
          odsCode: {
            $ref: '#/components/schemas/OdsCode',
          },
          orgName: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
          },
          role: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
          },
          activities: {
            type: 'array',
            maxItems: 20,
            items: {
              $ref: '#/components/schemas/Activity',
            },
          },
          sub: {
            type: 'string',
            minLength: 1,
            maxLength: 200,
            description: 'Defaults to one derived from `name` and `odsCode`.',
          },
        },
      },
      DevTokenResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['token', 'claims'],
        properties: {
          token: {
            type: 'string',
          },
          claims: {
            $ref: '#/components/schemas/TokenClaims',
          },
        },
      },
      DevCdsHooksTokenRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['iss', 'path'],
        properties: {
          iss: {
            type: 'string',
            description: "A development EHR's issuer (`urn:cpis:dev-ehr:…`).",
            minLength: 1,
            maxLength: 200,
          },
          path: {
            type: 'string',
            description:
              "The path of the service to call (`/cds-services/{id}` or\n`/cds-services/{id}/feedback`); the JWT's `aud` is `CPIS_PUBLIC_URL` + this.\n",
            minLength: 1,
            maxLength: 200,
          },
        },
      },
      DevCdsHooksTokenResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['token'],
        properties: {
          token: {
            type: 'string',
          },
        },
      },
      FhirId: {
        type: 'string',
        description: 'A FHIR resource id.',
        pattern: '^[A-Za-z0-9\\-.]{1,64}$',
      },
      CdsDiscovery: {
        type: 'object',
        required: ['services'],
        properties: {
          services: {
            type: 'array',
            items: {
              $ref: '#/components/schemas/CdsService',
            },
          },
        },
      },
      CdsService: {
        type: 'object',
        required: ['hook', 'id', 'description'],
        properties: {
          hook: {
            type: 'string',
          },
          id: {
            type: 'string',
          },
          title: {
            type: 'string',
          },
          description: {
            type: 'string',
          },
          prefetch: {
            type: 'object',
            additionalProperties: {
              type: 'string',
            },
          },
        },
      },
      CdsHookRequest: {
        type: 'object',
        description:
          "A CDS Hooks 2.0 hook call. Fields this service does not use (`extension`, other\nprefetch keys, a later version's fields) are allowed, as the specification asks.\n",
        required: ['hook', 'hookInstance', 'context'],
        properties: {
          hook: {
            type: 'string',
            minLength: 1,
            maxLength: 100,
          },
          hookInstance: {
            type: 'string',
            format: 'uuid',
          },
          fhirServer: {
            type: 'string',
            format: 'uri',
            maxLength: 2000,
          },
          fhirAuthorization: {
            $ref: '#/components/schemas/CdsFhirAuthorization',
          },
          context: {
            $ref: '#/components/schemas/CdsHookContext',
          },
          prefetch: {
            type: 'object',
            description:
              'The prefetched resources by key (`patient`, `user`); `null` when the EHR could not fetch one.',
          },
          extension: {
            type: 'object',
          },
        },
      },
      CdsHookContext: {
        type: 'object',
        required: ['userId', 'patientId'],
        properties: {
          userId: {
            type: 'string',
            description:
              '`PractitionerRole/{id}` or `Practitioner/{id}` (another type may not check CP-IS).',
            pattern: '^[A-Za-z]{1,64}/[A-Za-z0-9\\-.]{1,64}$',
          },
          patientId: {
            $ref: '#/components/schemas/FhirId',
          },
          encounterId: {
            $ref: '#/components/schemas/FhirId',
          },
        },
      },
      CdsFhirAuthorization: {
        type: 'object',
        required: ['access_token', 'token_type'],
        properties: {
          access_token: {
            type: 'string',
            minLength: 1,
            maxLength: 10000,
          },
          token_type: {
            type: 'string',
            enum: ['Bearer'],
          },
          expires_in: {
            type: 'integer',
          },
          scope: {
            type: 'string',
          },
          subject: {
            type: 'string',
          },
        },
      },
      CdsHookResponse: {
        type: 'object',
        additionalProperties: false,
        required: ['cards'],
        properties: {
          cards: {
            type: 'array',
            minItems: 1,
            maxItems: 1,
            items: {
              $ref: '#/components/schemas/CdsCard',
            },
          },
        },
      },
      CdsCard: {
        type: 'object',
        additionalProperties: false,
        required: ['uuid', 'summary', 'detail', 'indicator', 'source', 'links'],
        properties: {
          uuid: {
            type: 'string',
            format: 'uuid',
          },
          summary: {
            type: 'string',
            minLength: 1,
            maxLength: 140,
          },
          detail: {
            type: 'string',
            description: 'GitHub-flavoured Markdown.',
          },
          indicator: {
            type: 'string',
            enum: ['info', 'warning', 'critical'],
            description:
              '`critical` a record found; `info` no record; `warning` the CP-IS status is not known.',
          },
          source: {
            type: 'object',
            additionalProperties: false,
            required: ['label', 'topic'],
            properties: {
              label: {
                type: 'string',
                const: 'CP-IS',
              },
              topic: {
                type: 'object',
                additionalProperties: false,
                required: ['system', 'code', 'display'],
                properties: {
                  system: {
                    type: 'string',
                    const: 'urn:cpis:cds-hooks:card',
                  },
                  code: {
                    type: 'string',
                    enum: [
                      'record-found',
                      'no-record',
                      'not-checked-by-you',
                      'not-checked',
                      'not-checkable',
                      'failed',
                      'timed-out',
                      'not-allowed',
                    ],
                  },
                  display: {
                    type: 'string',
                  },
                },
              },
            },
          },
          links: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['label', 'url', 'type'],
              properties: {
                label: {
                  type: 'string',
                },
                url: {
                  type: 'string',
                  format: 'uri',
                },
                type: {
                  type: 'string',
                  enum: ['absolute'],
                },
              },
            },
          },
        },
      },
      CdsFeedbackRequest: {
        type: 'object',
        required: ['feedback'],
        properties: {
          feedback: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              required: ['card', 'outcome', 'outcomeTimestamp'],
              properties: {
                card: {
                  type: 'string',
                  minLength: 1,
                  maxLength: 100,
                },
                outcome: {
                  type: 'string',
                  enum: ['accepted', 'overridden'],
                },
                acceptedSuggestions: {
                  type: 'array',
                  maxItems: 100,
                  items: {
                    type: 'object',
                    required: ['id'],
                    properties: {
                      id: {
                        type: 'string',
                        maxLength: 100,
                      },
                    },
                  },
                },
                overrideReason: {
                  type: 'object',
                  properties: {
                    reason: {
                      type: 'object',
                      properties: {
                        code: {
                          type: 'string',
                          maxLength: 200,
                        },
                        system: {
                          type: 'string',
                          maxLength: 2000,
                        },
                        display: {
                          type: 'string',
                          maxLength: 500,
                        },
                      },
                    },
                    userComment: {
                      type: 'string',
                      maxLength: 2000,
                    },
                  },
                },
                outcomeTimestamp: {
                  type: 'string',
                  format: 'date-time',
                },
              },
            },
          },
        },
      },
    },
  },
};

import type {} from '@cpis/elements/jsx';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createCpisClient } from '@cpis/sdk';
import { provideCpisClient } from '@cpis/elements';
import { CpisFlagBanner } from '@cpis/elements/react';
import { createCpisMockService, createMockFetch, personas, principals } from '@cpis/mock';

const service = createCpisMockService();
provideCpisClient(
  document.body,
  createCpisClient({
    baseUrl: service.baseUrl,
    getToken: () => service.tokenFor(principals.edNurse),
    fetch: createMockFetch(service.handlers),
  }),
);
const nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;

function App() {
  const [outcome, setOutcome] = useState('none');
  const [rawOutcome, setRawOutcome] = useState('none');
  return (
    <>
      <CpisFlagBanner
        id="wrapped"
        nhsNumber={nhsNumber}
        nhsNumberVerified
        accessContext="unscheduled"
        reason="unscheduled-attendance"
        autoCheck
        onCheckComplete={(event) => setOutcome(event.detail.outcome)}
      />
      <cpis-flag-banner
        id="raw"
        nhs-number={nhsNumber}
        nhs-number-verified
        access-context="unscheduled"
        reason="unscheduled-attendance"
        auto-check
        oncpis-check-complete={(event) => setRawOutcome(event.detail.outcome)}
      />
      {/* @ts-expect-error: the JSX typings take only the contract's access contexts */}
      <cpis-flag-banner access-context="emergency" hidden />
      <output id="outcomes">{`${outcome} ${rawOutcome}`}</output>
    </>
  );
}

const root = document.getElementById('root');
if (root === null) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

import { createCpisClient } from '@cpis/sdk';
import { provideCpisClient } from '@cpis/elements';
import '@cpis/elements/define';
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
const banner = document.createElement('cpis-flag-banner');
banner.nhsNumber = personas.lookedAfterOutOfArea.nhsNumber;
banner.nhsNumberVerified = true;
banner.accessContext = 'unscheduled';
banner.reason = 'unscheduled-attendance';
banner.autoCheck = true;
banner.id = 'banner';
document.body.append(banner);

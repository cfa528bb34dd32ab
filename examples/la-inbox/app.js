// The local-authority inbox: Tower Hamlets' social worker. Plain JavaScript, no build step.
// The <cpis-notification-inbox> in index.html does the work; this module signs in and
// gives it a client.
import { createCpisClient, provideCpisClient } from '/kit/cpis-elements.js';

// Who is signed in. A real social-care system passes the user's own token; this example
// asks the reference server's development-only route for one. An authority's user may
// read only its own notifications (odsCode 211 here, as in the inbox's ods-code).
const user = {
  name: 'Grace Adeyemi',
  role: 'Social worker',
  orgType: 'local-authority',
  odsCode: '211',
  orgName: 'London Borough of Tower Hamlets',
  activities: [],
};

let token;
function getToken() {
  token ??= fetch('/v1/dev/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  }).then(async (response) => {
    if (!response.ok) throw new Error(`Sign-in failed: ${response.status}`);
    return (await response.json()).token;
  });
  return token;
}

// One client for the page, handed to every CP-IS element under <body>. The inbox opens
// the live stream with it (fetch-based, so the bearer token is sent; EventSource cannot).
const client = createCpisClient({ baseUrl: location.origin, getToken });
provideCpisClient(document.body, client);

const signedIn = document.getElementById('signed-in');
getToken().then(
  () => (signedIn.textContent = `${user.name} · ${user.role}`),
  () => (signedIn.textContent = 'Not signed in: is the server in development mode?'),
);

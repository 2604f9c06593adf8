// The municipality's OpenID provider, for the tests only: oidc-provider (OpenID Certified) with
// one client, the app, which must use PKCE (S256), and a plain sign-in form that checks a
// password. tests/e2e/test_municipal_sign_in.py starts it; nothing else uses it.
//
// Everything comes from the environment:
//   PORT, ISSUER                 where it listens (127.0.0.1:PORT) and what it calls itself
//   CLIENT_ID, CLIENT_SECRET     the app's client
//   REDIRECT_URI                 the app's callback
//   POST_LOGOUT_REDIRECT_URI     where the provider sends the person after signing out
//   USERS                        JSON: [{"login", "password", "email", "name", "groups": [...]}]
import http from 'node:http';
import { randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const users = new Map(JSON.parse(env('USERS')).map((user) => [user.login, user]));
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const provider = new Provider(env('ISSUER'), {
  clients: [{
    client_id: env('CLIENT_ID'),
    client_secret: env('CLIENT_SECRET'),
    redirect_uris: [env('REDIRECT_URI')],
    post_logout_redirect_uris: [env('POST_LOGOUT_REDIRECT_URI')],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // Every authorization request must carry a code_challenge (S256): without it, refused.
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  async findAccount(ctx, id) {
    const user = users.get(id);
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return {
          sub: id, email: user.email, email_verified: true, name: user.name, groups: user.groups,
        };
      },
    };
  },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = `<!doctype html><html lang="en"><head><title>Sign out</title></head><body>
          <h1>Sign out of the municipality?</h1>${form}
          <button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
          </body></html>`;
      },
    },
  },
});

function page(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><title>The municipality's sign-in</title></head>
    <body><main>${body}</main></body></html>`);
}

function loginForm(res, uid, status = 200, error = '') {
  page(res, status, `<h1>The municipality's sign-in</h1>
    ${error ? `<p role="alert">${escape(error)}</p>` : ''}
    <form method="post" action="/interaction/${escape(uid)}">
      <label for="login">Username</label> <input id="login" name="login" required>
      <label for="password">Password</label> <input id="password" name="password" type="password" required>
      <button type="submit">Sign in</button>
    </form>`);
}

async function body(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

// Signed in: the app gets what it asked for (no separate consent page for the municipality's
// own app).
async function finish(req, res, details, accountId) {
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(
    req, res, { login: { accountId }, consent: { grantId } }, { mergeWithLastSubmission: false },
  );
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = /^\/interaction\/([^/?]+)/.exec(req.url);
  if (!match) return handle(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET') {
      if (details.prompt.name === 'login') return loginForm(res, details.uid);
      return await finish(req, res, details, details.session.accountId);
    }
    const form = await body(req);
    const user = users.get(form.get('login'));
    if (!user || user.password !== form.get('password')) {
      return loginForm(res, details.uid, 400, 'Wrong username or password.');
    }
    return await finish(req, res, details, user.login);
  } catch (error) {
    return page(res, 400, `<h1>Something went wrong</h1><p>${escape(error.message)}</p>`);
  }
});

server.listen(Number(env('PORT')), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${env('ISSUER')}`);
});

'use strict';
// Multi-tenant services: each tenant's calls use that tenant's temporary
// credentials, and the cached clients roll over by themselves — a client
// leaves the cache a refresh margin before its credentials expire, and a
// call the service refuses with ExpiredToken removes its client at once.
// test/example.test.js runs this file and checks what it prints. The S3 and
// STS here are stand-ins on 127.0.0.1 (real ones need only `endpoint` gone).
const http = require('node:http');
const crypto = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { ListBucketsCommand } = require('@aws-sdk/client-s3');
const { Session } = require('clientcache');

const LIFETIME_MS = 3000; // how long the stand-in STS's credentials last
const MARGIN_MS = 1000; // renew (and drop cached clients) this long before

// ---- stand-ins: STS issues session tokens, S3 accepts only live ones ----
const tokens = new Map(); // sessionToken → { tenant, expires }
function assumeRole(tenant) {
  const sessionToken = crypto.randomBytes(12).toString('hex');
  const expiration = new Date(Date.now() + LIFETIME_MS);
  tokens.set(sessionToken, { tenant, expires: expiration.getTime() });
  return { accessKeyId: `ASIA${tenant.toUpperCase()}EXAMPLE`, secretAccessKey: 'example', sessionToken, expiration };
}
const s3 = http.createServer((req, res) => {
  const grant = tokens.get(req.headers['x-amz-security-token']);
  req.resume();
  if (grant === undefined || grant.expires <= Date.now()) {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end('<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(`<ListAllMyBucketsResult><Buckets><Bucket><Name>${grant.tenant}-data</Name></Bucket></Buckets></ListAllMyBucketsResult>`);
});

async function main() {
  await new Promise((resolve) => s3.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${s3.address().port}`;

  // The application: per-tenant credentials, renewed within the margin.
  const credentials = new Map();
  function credentialsFor(tenant) {
    let c = credentials.get(tenant);
    if (c === undefined || c.expiration.getTime() - Date.now() <= MARGIN_MS) {
      credentials.set(tenant, c = assumeRole(tenant));
    }
    return c;
  }
  const session = new Session({ region: 'us-east-1', endpoint, forcePathStyle: true }, {
    credentialRefreshMarginMs: MARGIN_MS, // default: 5 minutes
    dispose: (client, key, reason) => console.log(`left the cache: ${reason}`),
  });
  const s3For = (tenant) => session.client('s3', { credentials: credentialsFor(tenant) });
  const buckets = async (tenant) => (await s3For(tenant).send(new ListBucketsCommand({}))).Buckets[0].Name;

  const a1 = s3For('acme');
  console.log(await buckets('acme'), await buckets('globex')); // acme-data globex-data
  console.log(s3For('acme') === a1); // true: cached

  // The service ends a session early: the call fails with ExpiredToken and
  // its client leaves the cache; the caller gets the service's error.
  tokens.delete(credentialsFor('globex').sessionToken);
  const refused = await buckets('globex').catch((err) => err.name);
  console.log(refused); // ExpiredToken (and "left the cache: delete" above it)
  credentials.delete('globex'); // the application renews on that error
  console.log(await buckets('globex')); // globex-data

  // Later, within the margin: new credentials, new clients; the old ones
  // have expired from the cache.
  await sleep(LIFETIME_MS - MARGIN_MS + 200);
  console.log(session.cache().purgeExpired()); // 2 (each told "expire")
  console.log(s3For('acme') !== a1, await buckets('acme')); // true acme-data
  console.log(session.cache().stats().expirations); // 2
  session.close();
  s3.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});

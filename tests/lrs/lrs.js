// Runs a real Learning Record Store for the tests: Learning Locker's xAPI statements service (npm xapi-statements
// 5.0.1) with its in-memory models repository, so no MongoDB or Redis is needed. Its clients are checked the way
// Learning Locker's main application checks them (AUTH_REPO=fetch: the service asks a client-info endpoint about
// each request's Authorization header); that endpoint is here, and knows one client: USER:PASSWORD with every
// scope. usage: node lrs.js PORT USER PASSWORD LOGDIR  (the xAPI endpoint is http://127.0.0.1:PORT/xAPI/)
'use strict';
const http = require('http');
const path = require('path');
const [port, user, password, logdir] = process.argv.slice(2);
if (!logdir) {
  console.error('usage: node lrs.js PORT USER PASSWORD LOGDIR');
  process.exit(2);
}
const expected = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
const client = {
  _id: '5f0000000000000000000001', title: 'scrub tests', isTrusted: true,
  authority: { objectType: 'Agent', name: 'scrub tests', mbox: 'mailto:tests@scrub.invalid' },
  lrs_id: '5f0000000000000000000002', organisation: '5f0000000000000000000003', scopes: ['all'],
};
const auth = http.createServer((req, res) => {
  const ok = req.headers.authorization === expected;
  res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json' });
  res.end(ok ? JSON.stringify(client) : '{}');
});
auth.listen(0, '127.0.0.1', () => {
  Object.assign(process.env, {
    LL_CLIENT_INFO_ENDPOINT: `http://127.0.0.1:${auth.address().port}/auth`,
    AUTH_REPO: 'fetch', MODELS_REPO: 'memory', STORAGE_REPO: 'memory', EVENTS_REPO: 'test',
    EXPRESS_PORT: port, EXPRESS_MORGAN_DIRECTORY: logdir, FS_LOCAL_STORAGE_DIR: logdir,
    WINSTON_CONSOLE_LEVEL: 'warning', SERVICE_AWAIT_UPDATES: 'true',
  });
  require(path.join(__dirname, 'node_modules/xapi-statements/dist/server'));
});

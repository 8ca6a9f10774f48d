// Drives the emulator with Okta's official Node SDK (@okta/okta-sdk-nodejs, 8.x): the calls a
// bulk tool makes, as the SDK parses and pages them, its errors, and its own retry of a 429.
// Prints one line per check and the pass count; exits 1 when a check fails. run.sh runs it.
import okta from '@okta/okta-sdk-nodejs';

const orgUrl = process.argv[2];
// The SDK's cache would answer repeated reads itself: off, so every call reaches the emulator.
const client = new okta.Client({ orgUrl, token: 'sdk-token', cacheMiddleware: null });
const results = [];
const check = (what, ok, detail = '') => {
  console.log(`${ok ? 'ok      ' : 'FAILED  '}${what}${!ok && detail ? `: ${detail}` : ''}`);
  results.push(Boolean(ok));
};
const attempt = async (fn) => {
  try { return [await fn(), null]; } catch (e) { return [null, e]; }
};
const person = (login, password = true, extra = {}) => {
  const body = { profile: { login, email: login, firstName: 'N', lastName: login.split('@')[0], ...extra } };
  if (password) body.credentials = { password: { value: 'Correct-Horse-42' } };
  return body;
};
const control = async (method, path, body) => {
  const res = await fetch(orgUrl + path, {
    method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return text ? JSON.parse(text) : null;
};
const collect = async (collection) => {
  const items = [];
  await collection.each((item) => { items.push(item); });
  return items;
};

const [group, gErr] = await attempt(() => client.groupApi.createGroup({ group: { profile: { name: 'Node Group' } } }));
check('create a group', !gErr && group.id.startsWith('00g'), gErr);
const [active, aErr] = await attempt(() => client.userApi.createUser({ body: person('nactive@example.com'), activate: true }));
check('create with a password: ACTIVE', !aErr && active.status === 'ACTIVE', aErr);
const [pending, pErr] = await attempt(() => client.userApi.createUser({ body: person('npending@example.com', false), activate: true }));
check('create without a password: PROVISIONED', !pErr && pending.status === 'PROVISIONED', pErr);
const [staged, sErr] = await attempt(() => client.userApi.createUser({ body: person('nstaged@example.com'), activate: false }));
check('create staged', !sErr && staged.status === 'STAGED', sErr);
const grouped = person('ngrouped@example.com');
grouped.groupIds = [group.id];
const [, grErr] = await attempt(() => client.userApi.createUser({ body: grouped }));
check('create with groupIds', !grErr, grErr);
const [byId, idErr] = await attempt(() => client.userApi.getUser({ userId: active.id }));
check('get by id', !idErr && byId.profile.login === 'nactive@example.com', idErr);
const [byLogin, lErr] = await attempt(() => client.userApi.getUser({ userId: 'nactive@example.com' }));
check('get by login', !lErr && byLogin.id === active.id, lErr);

for (let i = 0; i < 210; i++) {
  const [, e] = await attempt(() => client.userApi.createUser({ body: person(`nbulk${String(i).padStart(3, '0')}@example.com`, true, { department: 'Bulk' }) }));
  if (e) { check('210 creates', false, e); break; }
}
const [all, listErr] = await attempt(async () => collect(await client.userApi.listUsers({ limit: 100 })));
check('list past 200 with the SDK\'s paging', !listErr && all.length >= 214, `${all && all.length} ${listErr}`);
const [found, searchErr] = await attempt(async () => collect(await client.userApi.listUsers({ search: 'profile.department eq "Bulk"' })));
check('search', !searchErr && found.length === 210, `${found && found.length} ${searchErr}`);

const update = { profile: { login: 'nactive@example.com', email: 'nactive@example.com', firstName: 'Changed', lastName: 'nactive' } };
const [updated, uErr] = await attempt(() => client.userApi.updateUser({ userId: active.id, user: update }));
check('profile update', !uErr && updated.profile.firstName === 'Changed', uErr);
const [, suErr] = await attempt(() => client.userApi.suspendUser({ userId: active.id }));
const [susp] = await attempt(() => client.userApi.getUser({ userId: active.id }));
check('suspend', !suErr && susp && susp.status === 'SUSPENDED', suErr);
const [, unErr] = await attempt(() => client.userApi.unsuspendUser({ userId: active.id }));
const [, deErr] = await attempt(() => client.userApi.deactivateUser({ userId: active.id }));
const [gone] = await attempt(() => client.userApi.getUser({ userId: active.id }));
check('unsuspend, deactivate', !unErr && !deErr && gone && gone.status === 'DEPROVISIONED', `${unErr} ${deErr}`);
const [, acErr] = await attempt(() => client.userApi.activateUser({ userId: staged.id, sendEmail: false }));
const [now] = await attempt(() => client.userApi.getUser({ userId: staged.id }));
check('activate staged', !acErr && now && now.status === 'ACTIVE', acErr);

const [, asErr] = await attempt(() => client.groupApi.assignUserToGroup({ groupId: group.id, userId: pending.id }));
const [members, mErr] = await attempt(async () => collect(await client.groupApi.listGroupUsers({ groupId: group.id })));
const logins = (members || []).map((m) => m.profile.login).sort();
check('assign and list members', !asErr && !mErr && logins.join() === 'ngrouped@example.com,npending@example.com', `${logins} ${asErr} ${mErr}`);
const [groups, lgErr] = await attempt(async () => collect(await client.groupApi.listGroups({})));
const names = new Set((groups || []).map((g) => g.profile.name));
check('list groups', !lgErr && names.has('Everyone') && names.has('Node Group'), lgErr);

const [, dupErr] = await attempt(() => client.userApi.createUser({ body: person('npending@example.com') }));
check('duplicate login error', dupErr && dupErr.errorCode === 'E0000001' && JSON.stringify(dupErr.errorCauses).includes('already exists'), dupErr);
const [, nfErr] = await attempt(() => client.userApi.getUser({ userId: 'nobody@example.com' }));
check('404 error', nfErr && nfErr.status === 404 && nfErr.errorCode === 'E0000007', nfErr);

// A 429 the SDK retries by itself, from Date and X-Rate-Limit-Reset.
const limits = await control('GET', '/__emulator/rate-limits');
limits.limits = { users: 600, userMutation: 600, userGet: 3, groups: 500, groupById: 1000, other: 1200 };
limits.windowMs = 2000;
limits.principalShare = 100;
await control('PUT', '/__emulator/rate-limits', limits);
const errors = [];
for (let i = 0; i < 5; i++) {
  const [, e] = await attempt(() => client.userApi.getUser({ userId: pending.id }));
  errors.push(e);
}
const stats = await control('GET', '/__emulator/stats');
check('a 429 retried by the SDK itself', errors.every((e) => !e) && stats.rateLimited >= 1, `${errors} rateLimited=${stats.rateLimited}`);

const passed = results.filter(Boolean).length;
console.log(`node SDK: ${passed} of ${results.length} checks passed`);
process.exit(passed === results.length ? 0 : 1);

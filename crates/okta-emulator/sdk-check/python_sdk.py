"""Drives the emulator with Okta's official Python SDK (`okta`, 3.x): the calls a bulk tool
makes, as the SDK parses and pages them, its errors, and its own retry of a 429. Prints one line
per check and the pass count; exits 1 when a check fails. `.ci/run` runs it through run.sh.
"""
import asyncio
import json
import sys
import urllib.request

from okta.client import Client as OktaClient
from okta.pagination import PaginationHelper

PASSWORD = "Correct-Horse-42"


def control(url, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None


async def main(org_url: str) -> int:
    client = OktaClient({"orgUrl": org_url, "token": "sdk-token"})
    results = []

    def check(what, ok, detail=""):
        print(("ok      " if ok else "FAILED  ") + what + (f": {detail}" if detail and not ok else ""))
        results.append(ok)

    def person(login, password=True, **extra):
        body = {"profile": {"login": login, "email": login, "firstName": "S", "lastName": login.split("@")[0], **extra}}
        if password:
            body["credentials"] = {"password": {"value": PASSWORD}}
        return body

    group, _, err = await client.add_group({"profile": {"name": "SDK Group", "description": "made by the SDK"}})
    check("create a group", err is None and group.id.startswith("00g"), str(err))
    active, _, err = await client.create_user(person("active@example.com"), activate=True)
    check("create with a password: ACTIVE", err is None and active.status.value == "ACTIVE", str(err))
    pending, _, err = await client.create_user(person("pending@example.com", password=False), activate=True)
    check("create without a password: PROVISIONED", err is None and pending.status.value == "PROVISIONED", str(err))
    staged, _, err = await client.create_user(person("staged@example.com"), activate=False)
    check("create staged", err is None and staged.status.value == "STAGED", str(err))
    body = person("grouped@example.com")
    body["groupIds"] = [group.id]
    grouped, _, err = await client.create_user(body)
    check("create with groupIds", err is None, str(err))
    by_id, _, err = await client.get_user(active.id)
    check("get by id", err is None and by_id.profile.login == "active@example.com", str(err))
    by_login, _, err = await client.get_user("active@example.com")
    check("get by login", err is None and by_login.id == active.id, str(err))

    for i in range(210):
        _, _, err = await client.create_user(person(f"bulk{i:03}@example.com", department="Bulk"))
        if err:
            check("210 creates", False, str(err))
            break
    # The SDK's own paging: the next cursor from the Link header of each answer.
    users, resp, err = await client.list_users(limit=100)
    pages = 1
    cursor = PaginationHelper.extract_next_cursor(resp.headers) if err is None else None
    while err is None and cursor:
        more, resp, err = await client.list_users(limit=100, after=cursor)
        users += more or []
        pages += 1
        cursor = PaginationHelper.extract_next_cursor(resp.headers) if err is None else None
    check("list past 200 with the SDK's paging", err is None and len(users) >= 214 and pages >= 3, f"{len(users)} in {pages} pages, {err}")
    found, _, err = await client.list_users(search='profile.department eq "Bulk"', limit=5)
    check("search", err is None and len(found) == 5 and all(u.profile.department == "Bulk" for u in found), str(err))

    update = {"profile": {"login": "active@example.com", "email": "active@example.com",
                          "firstName": "Changed", "lastName": "active"}}
    updated, _, err = await client.update_user(active.id, update)
    check("profile update", err is None and updated.profile.first_name == "Changed", str(err))
    _, _, err = await client.suspend_user(active.id)
    suspended, _, _ = await client.get_user(active.id)
    check("suspend", err is None and suspended.status.value == "SUSPENDED", str(err))
    _, _, err = await client.unsuspend_user(active.id)
    _, _, err2 = await client.deactivate_user(active.id)
    gone, _, _ = await client.get_user(active.id)
    check("unsuspend, deactivate", err is None and err2 is None and gone.status.value == "DEPROVISIONED", f"{err} {err2}")
    _, _, err = await client.activate_user(staged.id, send_email=False)
    now, _, _ = await client.get_user(staged.id)
    check("activate staged", err is None and now.status.value == "ACTIVE", str(err))

    _, _, err = await client.assign_user_to_group(group.id, pending.id)
    members, _, err2 = await client.list_group_users(group.id)
    logins = sorted(m.profile.login for m in members)
    check("assign and list members", err is None and err2 is None and logins == ["grouped@example.com", "pending@example.com"], f"{logins} {err} {err2}")
    groups, _, err = await client.list_groups()
    names = {g.to_dict()["profile"]["name"] for g in groups or []}
    check("list groups", err is None and names >= {"Everyone", "SDK Group"}, f"{names} {err}")

    _, _, err = await client.create_user(person("pending@example.com"))
    check("duplicate login error", err is not None and "E0000001" in str(err) and "already exists" in str(err), str(err))
    _, _, err = await client.get_user("nobody@example.com")
    check("404 error", err is not None and "E0000007" in str(err), str(err))

    # A 429 the SDK retries by itself, from Date and X-Rate-Limit-Reset.
    limits = control(org_url, "GET", "/__emulator/rate-limits")
    limits["limits"] = {"users": 600, "userMutation": 600, "userGet": 3, "groups": 500, "groupById": 1000, "other": 1200}
    limits["windowMs"] = 2000
    limits["principalShare"] = 100
    control(org_url, "PUT", "/__emulator/rate-limits", limits)
    errors = []
    for _ in range(5):
        _, _, err = await client.get_user(pending.id)
        errors.append(err)
    stats = control(org_url, "GET", "/__emulator/stats")
    check("a 429 retried by the SDK itself", all(e is None for e in errors) and stats["rateLimited"] >= 1,
          f"{errors} rateLimited={stats['rateLimited']}")

    passed = sum(results)
    print(f"python SDK: {passed} of {len(results)} checks passed")
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))

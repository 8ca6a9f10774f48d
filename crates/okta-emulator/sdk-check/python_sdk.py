"""Drives the emulator with Okta's official Python SDK (`pip install okta`), to check that the
SDK's own parsing of users, pages, groups and errors works against it. Not run by CI.

    cargo build --release -p okta-emulator
    crates/okta-emulator/sdk-check/run.sh
"""
import asyncio
import os
import sys

from okta.client import Client as OktaClient


async def main(org_url: str) -> int:
    client = OktaClient({"orgUrl": org_url, "token": "sdk-token"})
    failures = []

    def check(what, ok, detail=""):
        print(("ok      " if ok else "FAILED  ") + what + (f": {detail}" if detail else ""))
        if not ok:
            failures.append(what)

    for i in range(205):
        login = f"sdk{i}@example.com"
        body = {"profile": {"login": login, "email": login, "firstName": "S", "lastName": f"D{i}"},
                "credentials": {"password": {"value": "Correct-Horse-42"}}}
        user, _, err = await client.create_user(body)
        if err:
            check("create user", False, str(err))
            return 1
    check("205 creates", user.status.value == "ACTIVE", f"last one {user.id} {user.status}")
    page, _, err = await client.list_users(limit=100)
    more, _, err2 = await client.list_users(limit=100, after=page[-1].id)
    check("list with limit and after", len(page) == 100 and len(more) == 100 and not err and not err2,
          f"{len(page)} then {len(more)}")
    found, _, err = await client.get_user("sdk0@example.com")
    check("get by login", found is not None and not err)
    _, resp, err = await client.create_user({"profile": {"login": "sdk0@example.com", "email": "sdk0@example.com",
                                                         "firstName": "S", "lastName": "D"}})
    check("duplicate login error", err is not None and "E0000001" in str(err)
          and "already exists" in str(err), str(err).replace("\n", " "))
    groups, _, err = await client.list_groups()
    check("list groups", not err and len(groups) == 1 and groups[0].type.value == "BUILT_IN")
    _, _, err = await client.get_user("nobody@example.com")
    check("404 error", err is not None and "E0000007" in str(err), str(err))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))

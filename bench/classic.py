"""The classic PowerShell script's algorithm (../shared/seed), one row at a time, on Okta's
official Python SDK (`pip install okta`): create (activated, with the password when there is
one); on failure look the login up; add the group when there is one. The baseline that
bench/pacing.sh measures oktabulk against.

    OKTA_TESTING_TESTINGDISABLEHTTPSCHECK=true python3 bench/classic.py ORG_URL TOKEN FILE.csv
"""
import asyncio
import csv
import sys

from okta.client import Client as OktaClient


async def main(org_url: str, token: str, path: str) -> int:
    # The SDK's own retry on 429 (it waits for the reset) stays on, as the script's users have it.
    client = OktaClient({"orgUrl": org_url, "token": token})
    counts = {"Success": 0, "Exists": 0, "Failed": 0}
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.DictReader(f):
            profile = {k: row[k] for k in ("login", "email", "firstName", "lastName")}
            body = {"profile": profile}
            if row.get("password"):
                body["credentials"] = {"password": {"value": row["password"]}}
            user, _, err = await client.create_user(body, activate=True)
            status = "Success"
            if err:
                user, _, err = await client.get_user(row["login"])
                status = "Failed" if err else "Exists"
            counts[status] += 1
            if user is not None and row.get("groupId"):
                await client.assign_user_to_group(row["groupId"], user.id)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    return 0 if counts["Failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3])))

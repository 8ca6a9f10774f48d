"""Checks a chaos run (bench/chaos.sh) through the API: each login of the file exists exactly
once with exactly its groups; no create was applied twice for one row; the results file has every
row once, in input order, with a status the org agrees with. Exits 1 on any difference."""
import csv
import json
import sys
import urllib.request


def get(url, token):
    req = urllib.request.Request(url, headers={"Authorization": f"SSWS {token}", "Accept": "application/json"})
    with urllib.request.urlopen(req) as resp:
        link = resp.headers.get_all("Link") or []
        nxt = next((l.split(";")[0].strip("<> ") for l in link if 'rel="next"' in l), None)
        return json.loads(resp.read()), nxt


def main(org, token, input_csv, results_csv, stats_json):
    problems = []
    users, url = [], f"{org}/api/v1/users?limit=200"
    while url:
        page, url = get(url, token)
        users += page
    by_login = {}
    for u in users:
        by_login.setdefault(u["profile"]["login"].lower(), []).append(u)
    groups, url = [], f"{org}/api/v1/groups?limit=200"
    while url:
        page, url = get(url, token)
        groups += page
    names = {g["id"]: g["profile"]["name"] for g in groups}
    rows = list(csv.DictReader(open(input_csv, newline="")))
    duplicates = lost = 0
    for row in rows:
        found = by_login.get(row["login"].lower(), [])
        duplicates += max(len(found) - 1, 0)
        lost += len(found) == 0
        if len(found) != 1:
            problems.append(f"{row['login']}: {len(found)} users")
            continue
        wanted = {names.get(row["groupId"], row["groupId"])} if row["groupId"] else set()
        wanted |= {g for g in row["groups"].split(";") if g}
        have, _ = get(f"{org}/api/v1/users/{found[0]['id']}/groups", token)
        have = {g["profile"]["name"] for g in have} - {"Everyone"}
        if have != wanted:
            problems.append(f"{row['login']}: groups {sorted(have)} != {sorted(wanted)}")
    results = list(csv.DictReader(open(results_csv, newline="")))
    lines = [int(r["line"]) for r in results]
    if lines != list(range(2, len(rows) + 2)):
        problems.append(f"results: {len(results)} rows for {len(rows)}, or out of order")
    for r in results:
        status = r["userCreationStatus"]
        pre_existing = int(r["line"]) % 50 == 2
        if status not in ("Success", "Exists") or (status == "Exists") != pre_existing:
            problems.append(f"line {r['line']} {r['login']}: {status} {r['ErrorMessage'][:80]}")
    stats = json.loads(stats_json)
    print(f"   rows {len(rows)}, users {len(users)}, duplicates {duplicates}, lost {lost}, "
          f"results {len(results)}, faults fired {stats['faultsFired']}, retries {stats['retriesSeen']}, "
          f"problems {len(problems)}")
    for p in problems[:20]:
        print("   PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:6]))

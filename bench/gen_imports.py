#!/usr/bin/env python3
"""Writes synthetic import files in data/'s formats, for bench/imports.sh.

  gen_imports.py DIR ROWS

DIR/y1/markets.csv    ROWS markets listed in 2030 (half online with a domain,
                      half physical with a city; one in ten with an operator)
DIR/y2/markets.csv    the next year, 2031: the same markets with real-world
                      drift (one in ten spelled with another case, one in ten
                      with a place qualifier, one in twenty named by its
                      domain), one in twenty dropped, one in twenty new
DIR/*/review_counts.csv  the declared totals of each year
DIR/responses.csv     ROWS responses by ROWS/20 stakeholders, naming 100
                      markets by their display names
"""
import csv
import os
import sys

COUNTRIES = ["China", "India", "Brazil", "Mexico", "Indonesia", "Viet Nam",
             "Thailand", "Turkey", "Russia", "Ukraine", "Philippines",
             "Argentina", "Paraguay", "Peru", "Malaysia", "Canada"]
HEADER = ["year", "name", "kind", "country", "city", "operator",
          "infringement", "first_listed_year", "domains", "source_url",
          "confidence"]


def market(i, year):
    online = i % 2 == 0
    return {
        "year": year,
        "name": f"Bench Market {i}",
        "kind": "online" if online else "physical",
        "country": COUNTRIES[i % len(COUNTRIES)],
        "city": "" if online else f"City {i % 300}",
        "operator": f"Bench Operator {i % 997}" if i % 10 == 0 else "",
        "infringement": "counterfeiting;piracy" if i % 3 else "piracy",
        "first_listed_year": 2020 + i % 10,
        "domains": f"bench-market-{i}.example" if online else "",
        "source_url": f"https://example.org/review/{year}#m{i}",
        "confidence": "high",
    }


def write_year(path, rows, year, online, physical):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "markets.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, HEADER)
        w.writeheader()
        w.writerows(rows)
    with open(os.path.join(path, "review_counts.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["year", "online_count", "physical_count",
                    "published_date", "source_url"])
        w.writerow([year, online, physical, "",
                    f"https://example.org/review/{year}"])


def counts(rows):
    online = sum(1 for r in rows if r["kind"] == "online")
    return online, len(rows) - online


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    first = [market(i, 2030) for i in range(n)]
    write_year(os.path.join(out, "y1"), first, 2030, *counts(first))

    second = []
    for i in range(n):
        if i % 20 == 7:
            continue  # dropped from the next list
        row = market(i, 2031)
        if i % 10 == 1:
            row["name"] = row["name"].upper()
        elif i % 10 == 3 and row["kind"] == "physical":
            row["name"] += f" ({row['city']})"
        elif i % 20 == 4:
            row["name"] = row["domains"]  # named by its host
        second.append(row)
    second += [market(i, 2031) for i in range(n, n + n // 20)]
    write_year(os.path.join(out, "y2"), second, 2031, *counts(second))

    with open(os.path.join(out, "responses.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["year", "stakeholder", "stakeholder_type",
                    "target_market", "stance", "paraphrase", "date",
                    "source_url"])
        stances = ["welcomes", "opposes", "commits to cooperate",
                   "disagrees", "supports"]
        for i in range(n):
            w.writerow([2030, f"Bench Stakeholder {i % max(1, n // 20)}",
                        "company" if i % 2 else "trade association",
                        f"Bench Market {(i * 7) % 100}",
                        stances[i % len(stances)],
                        f"Statement {i} on the 2030 list.", "2031-02",
                        f"https://example.org/statements/{i}"])


if __name__ == "__main__":
    main()

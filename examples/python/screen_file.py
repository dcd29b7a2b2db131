#!/usr/bin/env python3
"""Screens a file of URLs (one a line) against the Notorious Markets List and
writes a CSV: each URL's status (LISTED, NOT_LISTED or UNKNOWN, where nml
lacks the rows to tell), the rule that decided it, the review read and the
listings it matched, with the data version of the answer.

    screen_file.py urls.txt out.csv [--year 2021] [--listings localhost:50051]
"""

import argparse
import csv
import os

from nml.listings.v1 import resources_pb2
from nml_client import Client, NmlError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", help="a file with one URL or host a line")
    parser.add_argument("out", help="the CSV to write")
    parser.add_argument(
        "--listings", default=os.environ.get("NML_LISTINGS_ADDR", "localhost:50051")
    )
    parser.add_argument(
        "--year", type=int, default=0, help="the review's list (default: the latest)"
    )
    parser.add_argument("--api-key", default=os.environ.get("NML_TOKEN"))
    args = parser.parse_args()
    with open(args.urls, encoding="utf-8") as f:
        urls = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    try:
        with Client(args.listings, None, api_key=args.api_key) as nml, open(
            args.out, "w", newline="", encoding="utf-8"
        ) as out:
            writer = csv.writer(out)
            writer.writerow(
                ["input", "host", "status", "rule", "review", "listings", "data_version"]
            )
            for result in nml.screen(urls, review_year=args.year):
                writer.writerow(
                    [
                        result.input,
                        result.host,
                        resources_pb2.ListingStatus.Name(result.status),
                        resources_pb2.StatusRule.Name(result.status_rule),
                        result.review,
                        " ".join(m.listing for m in result.matches),
                        result.data_version,
                    ]
                )
    except NmlError as error:
        print(f"screen_file: {error} (reason {error.reason})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Watches the list's change feed and prints each change as it commits:
data version, WRITTEN or DELETED, and the resource's name.

    watch_changes.py [--since 0] [--limit N] [--timeout SECONDS]
"""

import argparse
import os

from nml.listings.v1 import listings_service_pb2
from nml_client import Client, NmlError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--listings", default=os.environ.get("NML_LISTINGS_ADDR", "localhost:50051")
    )
    parser.add_argument("--since", type=int, default=0, help="the data version you have")
    parser.add_argument("--limit", type=int, default=0, help="stop after N changes")
    parser.add_argument("--timeout", type=float, default=None, help="stop after S seconds")
    parser.add_argument("--api-key", default=os.environ.get("NML_TOKEN"))
    args = parser.parse_args()
    seen = 0
    try:
        with Client(args.listings, None, api_key=args.api_key) as nml:
            for change in nml.watch_changes(args.since, timeout=args.timeout):
                kind = listings_service_pb2.ChangeKind.Name(change.kind)
                print(f"{change.data_version}\t{kind}\t{change.name}", flush=True)
                seen += 1
                if args.limit and seen >= args.limit:
                    break
    except NmlError as error:
        print(f"watch_changes: {error} (reason {error.reason})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

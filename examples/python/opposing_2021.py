#!/usr/bin/env python3
"""Lists every response to the 2021 review that opposes a listing, following
pages to the end: who, when, against what, and what they said.

    opposing_2021.py [--responses localhost:50052] [--page-size 5]
"""

import argparse
import os

from nml_client import Client, NmlError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--responses", default=os.environ.get("NML_RESPONSES_ADDR", "localhost:50052")
    )
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--api-key", default=os.environ.get("NML_TOKEN"))
    args = parser.parse_args()
    try:
        with Client(None, args.responses, api_key=args.api_key) as nml:
            for r in nml.list_responses(
                "review_year = 2021 AND stance = STANCE_OPPOSES",
                page_size=args.page_size,
            ):
                stated = r.stated_on
                when = f"{stated.year:04d}-{stated.month:02d}-{stated.day:02d}"
                print(
                    f"{r.name}\t{when}\t{r.stakeholder_display_name}\t"
                    f"{', '.join(r.targets)}\t{r.summary}"
                )
    except NmlError as error:
        print(f"opposing_2021: {error} (reason {error.reason})", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What tests/clients/clients_test.cc asks of the installed Python client,
against a running system with data/ loaded; prints one JSON object."""

import json
import sys

from nml.listings.v1 import resources_pb2
from nml_client import Client, NmlError, NotFound

listings, responses = sys.argv[1], sys.argv[2]
out = {}
with Client(listings, responses, deadline=30) as nml:
    got = nml.get_review(2021)
    out["review"] = got.review.name
    out["online_count"] = got.review.online_count
    out["data_version"] = got.data_version
    out["screened"] = [
        {"input": r.input, "status": resources_pb2.ListingStatus.Name(r.status)}
        for r in nml.screen(
            [
                "https://WWW.AliExpress.com:443/item/1.html",
                "https://www.example.org/shop",
                "store.example.net",
            ],
            review_year=2021,
        )
    ]
    # Both pagings of the same filter: the same responses, in the same order.
    query = "review_year = 2021"
    out["paged"] = [r.name for r in nml.list_responses(query, page_size=5)]
    out["whole"] = [r.name for r in nml.list_responses(query, page_size=1000)]
    try:
        nml.get_market("markets/no-such-market")
        out["error"] = None
    except NotFound as error:
        out["error"] = {
            "type": type(error).__name__,
            "is_nml_error": isinstance(error, NmlError),
            "code": error.code.name,
            "reason": error.reason,
            "domain": error.domain,
            "missing": error.missing_resources,
        }
print(json.dumps(out))

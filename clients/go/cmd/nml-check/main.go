// Command nml-check makes the calls tests/clients/clients_test.cc asks of
// the Go client against a running system with data/ loaded, and prints one
// JSON object.
//
//	nml-check LISTINGS_ADDR RESPONSES_ADDR
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	nml "example.org/nml/client"
	responsesv1 "example.org/nml/responses/v1"
)

func main() {
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "nml-check:", err)
		os.Exit(1)
	}
}

func run(listings, responses string) error {
	ctx := context.Background()
	c, err := nml.New(nml.Options{Listings: listings, Responses: responses, Deadline: 30 * time.Second})
	if err != nil {
		return err
	}
	defer c.Close()
	out := map[string]interface{}{}
	review, err := c.GetReview(ctx, 2021)
	if err != nil {
		return err
	}
	out["review"], out["online_count"], out["data_version"] =
		review.Review.Name, review.Review.OnlineCount, review.DataVersion
	results, err := c.Screen(ctx, []string{"https://WWW.AliExpress.com:443/item/1.html",
		"https://www.example.org/shop", "store.example.net"}, 2021)
	if err != nil {
		return err
	}
	var screened []map[string]string
	for _, r := range results {
		screened = append(screened, map[string]string{"input": r.Input, "status": r.Status.String()})
	}
	out["screened"] = screened
	names := func(pageSize int32) ([]string, error) {
		all := []string{}
		err := c.EachResponse(ctx, "review_year = 2021", pageSize, func(r *responsesv1.Response) error {
			all = append(all, r.Name)
			return nil
		})
		return all, err
	}
	if out["paged"], err = names(5); err != nil {
		return err
	}
	if out["whole"], err = names(1000); err != nil {
		return err
	}
	_, err = c.GetMarket(ctx, "markets/no-such-market")
	var e *nml.Error
	if errors.As(err, &e) {
		out["error"] = map[string]interface{}{"type": "*nml.Error", "code": e.CodeName(),
			"reason": e.Reason, "domain": e.Domain, "missing": e.MissingResources}
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}

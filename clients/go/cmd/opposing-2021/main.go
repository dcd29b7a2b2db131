// Command opposing-2021 lists every response to the 2021 review that opposes
// a listing, following pages to the end: who, when, against what, and what
// they said.
//
//	opposing-2021 [-responses localhost:50052] [-page-size 50]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	nml "example.org/nml/client"
	responsesv1 "example.org/nml/responses/v1"
)

func main() {
	options := nml.OptionsFromEnv()
	options.Listings = ""
	flag.StringVar(&options.Responses, "responses", options.Responses, "nml-responses host:port")
	pageSize := flag.Int("page-size", 50, "responses a page")
	flag.Parse()
	c, err := nml.New(options)
	if err == nil {
		defer c.Close()
		err = c.EachResponse(context.Background(), "review_year = 2021 AND stance = STANCE_OPPOSES",
			int32(*pageSize), func(r *responsesv1.Response) error {
				d := r.StatedOn
				fmt.Printf("%s\t%04d-%02d-%02d\t%s\t%s\t%s\n", r.Name, d.GetYear(), d.GetMonth(),
					d.GetDay(), r.StakeholderDisplayName, strings.Join(r.Targets, ", "), r.Summary)
				return nil
			})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "opposing-2021:", err)
		os.Exit(1)
	}
}

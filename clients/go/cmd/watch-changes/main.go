// Command watch-changes watches the list's change feed and prints each
// change as it commits: data version, the kind and the resource's name.
//
//	watch-changes [-listings localhost:50051] [-since 0] [-limit N] [-timeout 30s]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	nml "example.org/nml/client"
	listingsv1 "example.org/nml/listings/v1"
)

var errEnough = errors.New("enough")

func main() {
	options := nml.OptionsFromEnv()
	options.Responses = ""
	options.Deadline = time.Minute
	flag.StringVar(&options.Listings, "listings", options.Listings, "nml-listings host:port")
	since := flag.Int64("since", 0, "the data version you have")
	limit := flag.Int("limit", 0, "stop after N changes")
	timeout := flag.Duration("timeout", 0, "stop after this long")
	flag.Parse()
	ctx := context.Background()
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	c, err := nml.New(options)
	if err == nil {
		defer c.Close()
		seen := 0
		err = c.WatchChanges(ctx, *since, func(change *listingsv1.ResourceChange) error {
			fmt.Printf("%d\t%s\t%s\n", change.DataVersion, change.Kind, change.Name)
			if seen++; *limit > 0 && seen >= *limit {
				return errEnough
			}
			return nil
		})
	}
	if err != nil && err != errEnough {
		fmt.Fprintln(os.Stderr, "watch-changes:", err)
		os.Exit(1)
	}
}

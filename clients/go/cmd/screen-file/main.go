// Command screen-file screens a file of URLs (one a line) against the
// Notorious Markets List and writes a CSV: each URL's status (LISTED,
// NOT_LISTED or UNKNOWN, where nml lacks the rows to tell), the rule that
// decided it, the review read and the listings it matched, with the data
// version of the answer.
//
//	screen-file [-listings localhost:50051] [-year 2021] urls.txt out.csv
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"strings"

	nml "example.org/nml/client"
)

func main() {
	options := nml.OptionsFromEnv()
	options.Responses = ""
	flag.StringVar(&options.Listings, "listings", options.Listings, "nml-listings host:port")
	year := flag.Int("year", 0, "the review's list (default: the latest)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: screen-file [-listings ADDR] [-year N] urls.txt out.csv")
		os.Exit(2)
	}
	if err := run(options, int32(*year), flag.Arg(0), flag.Arg(1)); err != nil {
		fmt.Fprintln(os.Stderr, "screen-file:", err)
		os.Exit(1)
	}
}

func run(options nml.Options, year int32, in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var urls []string
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if line := strings.TrimSpace(lines.Text()); line != "" && !strings.HasPrefix(line, "#") {
			urls = append(urls, line)
		}
	}
	c, err := nml.New(options)
	if err != nil {
		return err
	}
	defer c.Close()
	results, err := c.Screen(context.Background(), urls, year)
	if err != nil {
		return err
	}
	file, err := os.Create(out)
	if err != nil {
		return err
	}
	w := csv.NewWriter(file)
	w.UseCRLF = true
	w.Write([]string{"input", "host", "status", "rule", "review", "listings", "data_version"})
	for _, r := range results {
		var matched []string
		for _, m := range r.Matches {
			matched = append(matched, m.Listing)
		}
		w.Write([]string{r.Input, r.Host, r.Status.String(), r.StatusRule.String(), r.Review,
			strings.Join(matched, " "), fmt.Sprint(r.DataVersion)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return file.Close()
}

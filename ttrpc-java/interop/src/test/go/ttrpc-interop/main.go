// ttrpc-interop is the Go side of ttrpc-java's interop tests and benchmark, built against Debian's
// github.com/containerd/ttrpc in GOPATH mode.
//
//	ttrpc-interop server <socket>                  serve the Interop service until SIGTERM
//	ttrpc-interop client <socket>                  run the client checks, print PASS/FAIL lines
//	ttrpc-interop bench <socket> <conns> <callers-per-conn> <warmup> <duration>
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: ttrpc-interop server|client|bench <socket> ...")
		os.Exit(2)
	}
	socket := os.Args[2]
	switch os.Args[1] {
	case "server":
		if err := serve(socket); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
			os.Exit(1)
		}
	case "client":
		failures, err := runChecks(socket)
		if err != nil {
			fmt.Fprintln(os.Stderr, "client:", err)
			os.Exit(1)
		}
		if failures > 0 {
			os.Exit(1)
		}
	case "bench":
		if len(os.Args) != 7 {
			fmt.Fprintln(os.Stderr, "usage: ttrpc-interop bench <socket> <conns> <callers-per-conn> <warmup> <duration>")
			os.Exit(2)
		}
		conns, _ := strconv.Atoi(os.Args[3])
		perConn, _ := strconv.Atoi(os.Args[4])
		warmup, err1 := time.ParseDuration(os.Args[5])
		duration, err2 := time.ParseDuration(os.Args[6])
		if conns < 1 || perConn < 1 || err1 != nil || err2 != nil {
			fmt.Fprintln(os.Stderr, "bench: invalid arguments")
			os.Exit(2)
		}
		if err := bench(socket, conns, perConn, warmup, duration); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

const maxMessage = 4 << 20

func dial(socket string) (*ttrpc.Client, error) {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return nil, err
	}
	return ttrpc.NewClient(conn), nil
}

func call(ctx context.Context, c *ttrpc.Client, req *EchoRequest) (*EchoResponse, error) {
	var resp EchoResponse
	err := c.Call(ctx, serviceName, methodEcho, req, &resp)
	return &resp, err
}

func expectStatus(err error, code codes.Code, contains ...string) error {
	if err == nil {
		return fmt.Errorf("expected %v, got success", code)
	}
	st, ok := status.FromError(err)
	if !ok {
		return fmt.Errorf("expected status %v, got %T %v", code, err, err)
	}
	if st.Code() != code {
		return fmt.Errorf("expected %v, got %v: %s", code, st.Code(), st.Message())
	}
	for _, c := range contains {
		if !strings.Contains(st.Message(), c) {
			return fmt.Errorf("expected message containing %q, got %q", c, st.Message())
		}
	}
	return nil
}

// checks are the Go client's view of a ttrpc server under test; each returns nil on success.
func checks(c *ttrpc.Client) []struct {
	name string
	run  func() error
} {
	bg := context.Background()
	return []struct {
		name string
		run  func() error
	}{
		{"unary-metadata", func() error {
			ctx := ttrpc.WithMetadata(bg, ttrpc.MD{"x-trace": {"a", "b"}, "x-single": {"1"}})
			resp, err := call(ctx, c, &EchoRequest{Text: "hello from go"})
			if err != nil {
				return err
			}
			if resp.Text != "hello from go" || resp.Metadata["x-trace"] != "a,b" || resp.Metadata["x-single"] != "1" {
				return fmt.Errorf("unexpected response %v", resp)
			}
			return nil
		}},
		{"deadline-exceeded", func() error {
			ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
			defer cancel()
			start := time.Now()
			_, err := call(ctx, c, &EchoRequest{SleepMillis: 10000})
			if time.Since(start) > 5*time.Second {
				return fmt.Errorf("deadline not honoured: took %v", time.Since(start))
			}
			if errors.Is(err, context.DeadlineExceeded) {
				return nil
			}
			return expectStatus(err, codes.DeadlineExceeded)
		}},
		{"error-status", func() error {
			_, err := call(bg, c, &EchoRequest{FailCode: int32(codes.NotFound), Text: "container c1 not found"})
			if e := expectStatus(err, codes.NotFound); e != nil {
				return e
			}
			if st, _ := status.FromError(err); st.Message() != "container c1 not found" {
				return fmt.Errorf("unexpected message %q", st.Message())
			}
			return nil
		}},
		{"error-unknown", func() error {
			_, err := call(bg, c, &EchoRequest{FailCode: -1, Text: "plain failure"})
			return expectStatus(err, codes.Unknown, "plain failure")
		}},
		{"unimplemented", func() error {
			var resp EchoResponse
			err := c.Call(bg, serviceName, "NoSuchMethod", &EchoRequest{}, &resp)
			if e := expectStatus(err, codes.Unimplemented, "NoSuchMethod"); e != nil {
				return e
			}
			err = c.Call(bg, "no.such.Service", "Echo", &EchoRequest{}, &resp)
			return expectStatus(err, codes.Unimplemented, "no.such.Service")
		}},
		{"request-over-4MiB", func() error {
			_, err := call(bg, c, &EchoRequest{Blob: make([]byte, maxMessage+1)})
			return expectStatus(err, codes.ResourceExhausted, fmt.Sprint(maxMessage))
		}},
		{"response-over-4MiB", func() error {
			_, err := call(bg, c, &EchoRequest{ReplySize: maxMessage + 1})
			return expectStatus(err, codes.ResourceExhausted, fmt.Sprint(maxMessage))
		}},
		{"just-under-4MiB", func() error {
			resp, err := call(bg, c, &EchoRequest{Blob: make([]byte, maxMessage-1024)})
			if err != nil {
				return err
			}
			if len(resp.Blob) != maxMessage-1024 {
				return fmt.Errorf("blob of %d bytes came back as %d", maxMessage-1024, len(resp.Blob))
			}
			return nil
		}},
		{"concurrent-100", func() error {
			var wg sync.WaitGroup
			errs := make(chan error, 100)
			for i := 0; i < 100; i++ {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					text := fmt.Sprintf("call-%d", i)
					resp, err := call(bg, c, &EchoRequest{Text: text, SleepMillis: int64(100-i) * 2})
					if err != nil {
						errs <- err
					} else if resp.Text != text {
						errs <- fmt.Errorf("call %d answered %q", i, resp.Text)
					}
				}(i)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				return err
			}
			return nil
		}},
	}
}

// runChecks prints PASS/FAIL per check and returns the number of failures.
func runChecks(socket string) (int, error) {
	c, err := dial(socket)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	failures := 0
	for _, check := range checks(c) {
		if err := check.run(); err != nil {
			failures++
			fmt.Printf("FAIL %s: %v\n", check.name, err)
		} else {
			fmt.Printf("PASS %s\n", check.name)
		}
	}
	return failures, nil
}

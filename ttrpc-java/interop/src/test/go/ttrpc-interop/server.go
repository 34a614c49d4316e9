package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/containerd/ttrpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func echo(ctx context.Context, req *EchoRequest) (*EchoResponse, error) {
	if req.SleepMillis > 0 {
		select {
		case <-time.After(time.Duration(req.SleepMillis) * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	switch {
	case req.FailCode < 0:
		return nil, errors.New(req.Text)
	case req.FailCode > 0:
		return nil, status.Error(codes.Code(req.FailCode), req.Text)
	}
	resp := &EchoResponse{Text: req.Text, Blob: req.Blob, Metadata: map[string]string{}}
	if md, ok := ttrpc.GetMetadata(ctx); ok {
		keys := make([]string, 0, len(md))
		for k := range md {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			resp.Metadata[k] = strings.Join(md[k], ",")
		}
	}
	if req.ReplySize > 0 {
		resp.Blob = make([]byte, req.ReplySize)
	}
	return resp, nil
}

// serve runs the reference Go server on a Unix socket until SIGTERM or SIGINT.
func serve(socket string) error {
	server, err := ttrpc.NewServer()
	if err != nil {
		return err
	}
	server.Register(serviceName, map[string]ttrpc.Method{
		methodEcho: func(ctx context.Context, unmarshal func(interface{}) error) (interface{}, error) {
			var req EchoRequest
			if err := unmarshal(&req); err != nil {
				return nil, err
			}
			return echo(ctx, &req)
		},
	})
	os.Remove(socket)
	l, err := net.Listen("unix", socket)
	if err != nil {
		return err
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		server.Shutdown(ctx)
		server.Close()
	}()
	err = server.Serve(context.Background(), l)
	if err == ttrpc.ErrServerClosed {
		return nil
	}
	return err
}

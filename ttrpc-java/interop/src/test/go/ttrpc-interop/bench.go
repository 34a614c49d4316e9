package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerd/ttrpc"
)

// bench drives unary calls over `conns` connections with `perConn` concurrent callers each for
// `duration` after a warm-up, and prints one line: calls/s, p50 and p99 round trip.
func bench(socket string, conns, perConn int, warmup, duration time.Duration) error {
	clients := make([]*ttrpc.Client, conns)
	for i := range clients {
		c, err := dial(socket)
		if err != nil {
			return err
		}
		defer c.Close()
		clients[i] = c
	}
	var (
		measuring int32
		stop      int32
		mu        sync.Mutex
		latencies []time.Duration
		wg        sync.WaitGroup
		firstErr  atomic.Value
	)
	req := &EchoRequest{Text: "benchmark payload of a typical small shim request", Blob: make([]byte, 128)}
	for _, c := range clients {
		for j := 0; j < perConn; j++ {
			wg.Add(1)
			go func(c *ttrpc.Client) {
				defer wg.Done()
				local := make([]time.Duration, 0, 1<<16)
				for atomic.LoadInt32(&stop) == 0 {
					start := time.Now()
					if _, err := call(context.Background(), c, req); err != nil {
						firstErr.Store(err)
						return
					}
					if atomic.LoadInt32(&measuring) == 1 {
						local = append(local, time.Since(start))
					}
				}
				mu.Lock()
				latencies = append(latencies, local...)
				mu.Unlock()
			}(c)
		}
	}
	time.Sleep(warmup)
	atomic.StoreInt32(&measuring, 1)
	begin := time.Now()
	time.Sleep(duration)
	atomic.StoreInt32(&measuring, 0)
	elapsed := time.Since(begin)
	atomic.StoreInt32(&stop, 1)
	wg.Wait()
	if err, ok := firstErr.Load().(error); ok {
		return err
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	n := len(latencies)
	if n == 0 {
		return fmt.Errorf("no calls completed")
	}
	p := func(q float64) time.Duration { return latencies[int(float64(n-1)*q)] }
	fmt.Printf("conns=%d callers=%d calls=%d calls_per_s=%.0f p50_us=%.1f p99_us=%.1f\n", conns, conns*perConn, n,
		float64(n)/elapsed.Seconds(), float64(p(0.50).Nanoseconds())/1e3, float64(p(0.99).Nanoseconds())/1e3)
	return nil
}

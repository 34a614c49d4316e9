// shim-update calls Task.Update on a shim over TTRPC, the way containerd forwards `task.Update(WithResources)`:
// ctr 1.6 has no `task update`. Standard library only (hand-encoded protobuf), built static on the host and
// shared into the guest.
//
//	shim-update ADDRESS ID RESOURCES_JSON
//
// ADDRESS is the content of the task bundle's `address` file (unix:///run/containerd/s/...), RESOURCES_JSON an OCI
// LinuxResources object; containerd sends it as an Any with the runtime-spec type URL and a JSON value.
// Exit 0 on success; 1 with the shim's status on an error answer; 2 on a usage or transport error.
package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"
)

const linuxResources = "types.containerd.io/opencontainers/runtime-spec/1/LinuxResources"

func varint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func field(b []byte, num int, data []byte) []byte {
	b = varint(b, uint64(num<<3|2))
	b = varint(b, uint64(len(data)))
	return append(b, data...)
}

// fields decodes the length-delimited and varint fields of one protobuf message level.
func fields(b []byte) (map[int][]byte, map[int]uint64, error) {
	bytesF, ints := map[int][]byte{}, map[int]uint64{}
	for len(b) > 0 {
		key, n := readVarint(b)
		if n == 0 {
			return nil, nil, fmt.Errorf("bad protobuf key")
		}
		b = b[n:]
		switch key & 7 {
		case 0:
			v, m := readVarint(b)
			if m == 0 {
				return nil, nil, fmt.Errorf("bad varint")
			}
			ints[int(key>>3)] = v
			b = b[m:]
		case 2:
			l, m := readVarint(b)
			if m == 0 || uint64(len(b)-m) < l {
				return nil, nil, fmt.Errorf("bad length")
			}
			bytesF[int(key>>3)] = b[m : m+int(l)]
			b = b[m+int(l):]
		default:
			return nil, nil, fmt.Errorf("unexpected wire type %d", key&7)
		}
	}
	return bytesF, ints, nil
}

func readVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	return 0, 0
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: shim-update ADDRESS ID RESOURCES_JSON")
		os.Exit(2)
	}
	address, id, resources := strings.TrimSpace(os.Args[1]), os.Args[2], os.Args[3]
	anyMsg := field(field(nil, 1, []byte(linuxResources)), 2, []byte(resources))
	update := field(field(nil, 1, []byte(id)), 2, anyMsg)
	req := field(field(field(nil, 1, []byte("containerd.task.v2.Task")), 2, []byte("Update")), 3, update)

	conn, err := net.DialTimeout("unix", strings.TrimPrefix(address, "unix://"), 10*time.Second)
	if err != nil {
		fmt.Fprintf(os.Stderr, "shim-update: failed to connect to shim %s: %v\n", address, err)
		os.Exit(2)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	header := make([]byte, 10)
	binary.BigEndian.PutUint32(header[0:4], uint32(len(req)))
	binary.BigEndian.PutUint32(header[4:8], 1) // stream 1
	header[8] = 1                              // request
	if _, err := conn.Write(append(header, req...)); err != nil {
		fmt.Fprintf(os.Stderr, "shim-update: failed to send update of task %s: %v\n", id, err)
		os.Exit(2)
	}
	if _, err := io.ReadFull(conn, header); err != nil {
		fmt.Fprintf(os.Stderr, "shim-update: failed to read answer for task %s: %v\n", id, err)
		os.Exit(2)
	}
	body := make([]byte, binary.BigEndian.Uint32(header[0:4]))
	if _, err := io.ReadFull(conn, body); err != nil {
		fmt.Fprintf(os.Stderr, "shim-update: failed to read answer for task %s: %v\n", id, err)
		os.Exit(2)
	}
	resp, _, err := fields(body)
	if err != nil {
		fmt.Fprintf(os.Stderr, "shim-update: bad answer for task %s: %v\n", id, err)
		os.Exit(2)
	}
	if status, ok := resp[1]; ok && len(status) > 0 {
		sb, si, err := fields(status)
		if err != nil {
			fmt.Fprintf(os.Stderr, "shim-update: bad status for task %s: %v\n", id, err)
			os.Exit(2)
		}
		if si[1] != 0 {
			fmt.Printf("error code=%d message=%s\n", si[1], sb[2])
			os.Exit(1)
		}
	}
	fmt.Println("ok")
}

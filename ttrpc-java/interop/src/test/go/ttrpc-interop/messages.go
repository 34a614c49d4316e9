package main

import "fmt"

// EchoRequest mirrors ttrpc.interop.v1.EchoRequest (src/main/proto/ttrpc/interop/interop.proto).
type EchoRequest struct {
	Text        string `protobuf:"bytes,1,opt,name=text,proto3"`
	Blob        []byte `protobuf:"bytes,2,opt,name=blob,proto3"`
	SleepMillis int64  `protobuf:"varint,3,opt,name=sleep_millis,json=sleepMillis,proto3"`
	FailCode    int32  `protobuf:"varint,4,opt,name=fail_code,json=failCode,proto3"`
	ReplySize   int32  `protobuf:"varint,5,opt,name=reply_size,json=replySize,proto3"`
}

func (m *EchoRequest) Reset()         { *m = EchoRequest{} }
func (m *EchoRequest) String() string { return fmt.Sprintf("%+v", *m) }
func (*EchoRequest) ProtoMessage()    {}

// EchoResponse mirrors ttrpc.interop.v1.EchoResponse.
type EchoResponse struct {
	Text     string            `protobuf:"bytes,1,opt,name=text,proto3"`
	Blob     []byte            `protobuf:"bytes,2,opt,name=blob,proto3"`
	Metadata map[string]string `protobuf:"bytes,3,rep,name=metadata,proto3" protobuf_key:"bytes,1,opt,name=key,proto3" protobuf_val:"bytes,2,opt,name=value,proto3"`
}

func (m *EchoResponse) Reset()         { *m = EchoResponse{} }
func (m *EchoResponse) String() string { return fmt.Sprintf("text=%q blob=%d metadata=%v", m.Text, len(m.Blob), m.Metadata) }
func (*EchoResponse) ProtoMessage()    {}

const (
	serviceName = "ttrpc.interop.v1.Interop"
	methodEcho  = "Echo"
)

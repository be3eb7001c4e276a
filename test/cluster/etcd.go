package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
)

type embeddedEtcd struct {
	URL  string
	etcd *embed.Etcd
}

func (e *embeddedEtcd) Close() { e.etcd.Close() }

// startEtcd runs a one-member etcd in process, the way k8s.io/apiserver's
// pkg/storage/etcd3/testserver does: free loopback ports, no fsync (test data only).
func startEtcd(ctx context.Context, dataDir string) (*embeddedEtcd, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, err
	}
	var lastErr error
	// the ports are chosen free, then bound by etcd: another process can take one in between
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return nil, err
		}
		clientURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))}
		peerURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))}
		cfg := embed.NewConfig()
		cfg.Name = "netpol-test"
		cfg.Dir = dataDir
		cfg.UnsafeNoFsync = true
		cfg.LogLevel = "error"
		cfg.LogOutputs = []string{"stderr"}
		cfg.ListenClientUrls = []url.URL{clientURL}
		cfg.AdvertiseClientUrls = []url.URL{clientURL}
		cfg.ListenPeerUrls = []url.URL{peerURL}
		cfg.AdvertisePeerUrls = []url.URL{peerURL}
		cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
		e, err := embed.StartEtcd(cfg)
		if err != nil {
			lastErr = err
			continue
		}
		select {
		case <-e.Server.ReadyNotify():
			return &embeddedEtcd{URL: clientURL.String(), etcd: e}, nil
		case err := <-e.Err():
			e.Close()
			return nil, err
		case <-ctx.Done():
			e.Close()
			return nil, context.Cause(ctx)
		case <-time.After(60 * time.Second):
			e.Close()
			return nil, fmt.Errorf("etcd not ready after 60s")
		}
	}
	return nil, lastErr
}

func freePorts(count int) ([]int, error) {
	ports := make([]int, 0, count)
	for i := 0; i < count; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

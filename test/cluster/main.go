// Command testapiserver runs a real kube-apiserver (the k8s.io/kubernetes sources pinned in go.mod)
// on 127.0.0.1 with an embedded etcd, for the extension's cluster tests.
//
// It listens on a free port, authenticates with a static token file, authorizes with RBAC, writes
// kubeconfigs for an admin user (system:masters) and a restricted user (may only read namespaces),
// waits for /readyz and prints one JSON line on stdout:
//
//	{"ready":true,"url":"https://127.0.0.1:PORT","adminKubeconfig":"...","restrictedKubeconfig":"...",...}
//
// Everything else (klog, etcd) goes to stderr. It stops cleanly on SIGTERM or SIGINT, and when its
// standard input closes, so that it dies with the test process that started it.
//
// No nodes, scheduler or controller manager run, so pods stay Pending. The one controller that runs
// in process is the namespace controller (k8s.io/kubernetes/pkg/controller/namespace), so that a
// deleted namespace goes away as in a real cluster instead of staying Terminating.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"k8s.io/klog/v2"
)

type readyLine struct {
	Ready                bool   `json:"ready"`
	URL                  string `json:"url"`
	Dir                  string `json:"dir"`
	CAFile               string `json:"caFile"`
	AdminKubeconfig      string `json:"adminKubeconfig"`
	RestrictedKubeconfig string `json:"restrictedKubeconfig"`
	Kubeconfig           string `json:"kubeconfig"`
	AdminToken           string `json:"adminToken"`
	RestrictedToken      string `json:"restrictedToken"`
	AdminUser            string `json:"adminUser"`
	RestrictedUser       string `json:"restrictedUser"`
	EtcdURL              string `json:"etcdURL"`
	PID                  int    `json:"pid"`
	StartupMillis        int64  `json:"startupMillis"`
}

func main() {
	os.Exit(run())
}

func run() int {
	started := time.Now()
	dirFlag := flag.String("dir", "", "folder for certificates, tokens, kubeconfigs and etcd data (default: a new temporary folder, removed on exit)")
	watchStdin := flag.Bool("exit-on-stdin-close", true, "stop when standard input closes (the parent test process died or closed the pipe)")
	readyTimeout := flag.Duration("ready-timeout", 3*time.Minute, "give up when /readyz is not ok within this time")
	namespaceController := flag.Bool("namespace-controller", true, "run the namespace controller in process, so deleted namespaces are finalized")
	verbosity := flag.Int("v", 0, "log verbosity of kube-apiserver (klog)")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s [flags] [-- extra kube-apiserver flags]\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()

	dir := *dirFlag
	removeDir := false
	if dir == "" {
		d, err := os.MkdirTemp("", "netpol-test-apiserver-")
		if err != nil {
			return fail("create temporary folder: %v", err)
		}
		dir, removeDir = d, true
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail("create %s: %v", dir, err)
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	defer func() {
		if removeDir {
			_ = os.RemoveAll(dir)
		}
	}()

	// When the parent dies, stderr (klog) may be a broken pipe: without this, the first log line
	// written while shutting down would kill the process (SIGPIPE) before it removes its folder.
	signal.Ignore(syscall.SIGPIPE)

	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		sig := <-signals
		cancel(fmt.Errorf("received %v", sig))
		// a second signal while shutting down: leave now
		<-signals
		os.Exit(1)
	}()
	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel(errors.New("standard input closed"))
		}()
	}

	files, err := writeCredentials(dir)
	if err != nil {
		return fail("%v", err)
	}

	etcd, err := startEtcd(ctx, filepath.Join(dir, "etcd"))
	if err != nil {
		return fail("start etcd: %v", err)
	}
	defer etcd.Close()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail("listen: %v", err)
	}
	port := listener.Addr().(*net.TCPAddr).Port
	url := fmt.Sprintf("https://127.0.0.1:%d", port)

	apiserverDone := make(chan error, 1)
	if err := startAPIServer(ctx, apiserverOptions{
		listener:   listener,
		port:       port,
		dir:        dir,
		etcdURL:    etcd.URL,
		files:      files,
		verbosity:  *verbosity,
		extraFlags: flag.Args(),
		done:       apiserverDone,
	}); err != nil {
		return fail("start kube-apiserver: %v", err)
	}

	stopAndWait := func() {
		cancel(nil)
		select {
		case err := <-apiserverDone:
			if err != nil {
				klog.ErrorS(err, "kube-apiserver stopped with an error")
			}
		case <-time.After(20 * time.Second):
			klog.Error("kube-apiserver did not stop within 20s")
		}
	}

	if err := waitReady(ctx, url, files, *readyTimeout, apiserverDone); err != nil {
		stopAndWait()
		return fail("kube-apiserver not ready: %v", err)
	}

	kubeconfigs, err := writeKubeconfigs(dir, url, files)
	if err != nil {
		stopAndWait()
		return fail("%v", err)
	}
	if err := setUpCluster(ctx, kubeconfigs, *namespaceController); err != nil {
		stopAndWait()
		return fail("set up the cluster: %v", err)
	}

	line, _ := json.Marshal(readyLine{
		Ready:                true,
		URL:                  url,
		Dir:                  dir,
		CAFile:               files.caCert,
		AdminKubeconfig:      kubeconfigs.admin,
		RestrictedKubeconfig: kubeconfigs.restricted,
		Kubeconfig:           kubeconfigs.both,
		AdminToken:           files.adminToken,
		RestrictedToken:      files.restrictedToken,
		AdminUser:            adminUser,
		RestrictedUser:       restrictedUser,
		EtcdURL:              etcd.URL,
		PID:                  os.Getpid(),
		StartupMillis:        time.Since(started).Milliseconds(),
	})
	fmt.Println(string(line))

	select {
	case <-ctx.Done():
		klog.InfoS("stopping", "reason", context.Cause(ctx))
		stopAndWait()
		return 0
	case err := <-apiserverDone:
		// kube-apiserver stopped by itself: a failure the tests must see
		cancel(nil)
		return fail("kube-apiserver stopped unexpectedly: %v", err)
	}
}

// waitReady polls /readyz with the admin token (so authentication is part of the check) until it
// answers 200, the deadline passes, the apiserver exits or the context is cancelled.
func waitReady(ctx context.Context, url string, files credentialFiles, timeout time.Duration, apiserverDone chan error) error {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(files.caPEM)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
	}
	deadline := time.Now().Add(timeout)
	last := "no answer yet"
	for {
		select {
		case err := <-apiserverDone:
			apiserverDone <- err
			return fmt.Errorf("kube-apiserver exited: %v", err)
		case <-ctx.Done():
			return context.Cause(ctx)
		default:
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+files.adminToken)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("HTTP %d: %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("/readyz not ok after %v; last answer: %s", timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func fail(format string, args ...any) int {
	fmt.Fprintf(os.Stderr, "testapiserver: "+format+"\n", args...)
	return 1
}

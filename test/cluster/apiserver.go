package main

import (
	"context"
	"fmt"
	"net"
	"strconv"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/client-go/rest"
	basecompatibility "k8s.io/component-base/compatibility"
	logsapi "k8s.io/component-base/logs/api/v1"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	"k8s.io/kubernetes/cmd/kube-apiserver/app/options"
)

type apiserverOptions struct {
	listener   net.Listener
	port       int
	dir        string
	etcdURL    string
	files      credentialFiles
	verbosity  int
	extraFlags []string
	// receives the result of the server's Run once it returns
	done chan error
}

// startAPIServer does what kube-apiserver's own command does (cmd/kube-apiserver/app.NewAPIServerCommand:
// parse flags, apply the feature gates and logging, Complete, Validate, Run), with the listener
// made here so the free port is known before the server starts. Run returns once ctx is cancelled
// and the server has shut down.
func startAPIServer(ctx context.Context, o apiserverOptions) error {
	s := options.NewServerRunOptions()
	fs := pflag.NewFlagSet("kube-apiserver", pflag.ContinueOnError)
	for _, f := range s.Flags().FlagSets {
		fs.AddFlagSet(f)
	}
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(o.port),
		"--cert-dir=" + o.dir,
		"--tls-cert-file=" + o.files.servingCert,
		"--tls-private-key-file=" + o.files.servingKey,
		"--etcd-servers=" + o.etcdURL,
		"--token-auth-file=" + o.files.tokenFile,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + o.files.serviceAccount,
		"--service-account-signing-key-file=" + o.files.serviceAccount,
		"--service-cluster-ip-range=10.96.0.0/16",
		// The kubernetes Service's endpoints would be 127.0.0.1, which Endpoints validation rejects.
		"--endpoint-reconciler-type=none",
		// No controller manager creates the default ServiceAccount of new namespaces, without which
		// this plugin rejects every pod.
		"--disable-admission-plugins=ServiceAccount",
		"--v=" + strconv.Itoa(o.verbosity),
	}
	if err := fs.Parse(append(args, o.extraFlags...)); err != nil {
		return err
	}
	s.SecureServing.Listener = o.listener
	s.SecureServing.BindPort = o.port

	registry := s.GenericServerRunOptions.ComponentGlobalsRegistry
	if err := registry.Set(); err != nil {
		return err
	}
	// the loopback clients inside kube-apiserver should not log the warnings they cause themselves
	rest.SetDefaultWarningHandler(rest.NoWarnings{})
	if err := logsapi.ValidateAndApply(s.Logs, registry.FeatureGateFor(basecompatibility.DefaultKubeComponent)); err != nil {
		return err
	}
	completed, err := s.Complete(ctx)
	if err != nil {
		return err
	}
	if errs := completed.Validate(); len(errs) != 0 {
		return utilerrors.NewAggregate(errs)
	}
	go func() {
		err := app.Run(ctx, completed)
		if err != nil {
			err = fmt.Errorf("kube-apiserver: %w", err)
		}
		o.done <- err
	}()
	return nil
}

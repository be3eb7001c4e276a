package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

const (
	adminUser      = "netpol-test-admin"
	restrictedUser = "netpol-test-restricted"
	clusterName    = "netpol-test"
)

// credentialFiles are the files kube-apiserver reads at start: its serving certificate (signed by a
// CA of our own, which the kubeconfigs trust), the service-account signing key it requires, and the
// static token file (--token-auth-file).
type credentialFiles struct {
	caCert          string
	caPEM           []byte
	servingCert     string
	servingKey      string
	serviceAccount  string
	tokenFile       string
	adminToken      string
	restrictedToken string
}

func writeCredentials(dir string) (credentialFiles, error) {
	var f credentialFiles
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "netpol-test-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return f, fmt.Errorf("CA certificate: %w", err)
	}
	caCert, _ := x509.ParseCertificate(caDER)

	servingKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}
	servingTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"},
	}
	servingDER, err := x509.CreateCertificate(rand.Reader, servingTemplate, caCert, &servingKey.PublicKey, caKey)
	if err != nil {
		return f, fmt.Errorf("serving certificate: %w", err)
	}

	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}

	f.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	f.caCert = filepath.Join(dir, "ca.crt")
	f.servingCert = filepath.Join(dir, "apiserver.crt")
	f.servingKey = filepath.Join(dir, "apiserver.key")
	f.serviceAccount = filepath.Join(dir, "service-account.key")
	f.tokenFile = filepath.Join(dir, "tokens.csv")
	f.adminToken = randomToken()
	f.restrictedToken = randomToken()

	servingKeyDER, err := x509.MarshalECPrivateKey(servingKey)
	if err != nil {
		return f, err
	}
	saKeyDER, err := x509.MarshalECPrivateKey(saKey)
	if err != nil {
		return f, err
	}
	// --token-auth-file: token,user,uid,"group1,group2"
	tokens := fmt.Sprintf("%s,%s,%s-uid,\"system:masters\"\n%s,%s,%s-uid\n",
		f.adminToken, adminUser, adminUser, f.restrictedToken, restrictedUser, restrictedUser)
	for path, data := range map[string][]byte{
		f.caCert:         f.caPEM,
		f.servingCert:    pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: servingDER}),
		f.servingKey:     pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: servingKeyDER}),
		f.serviceAccount: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: saKeyDER}),
		f.tokenFile:      []byte(tokens),
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return f, err
		}
	}
	return f, nil
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

type kubeconfigFiles struct {
	admin      string
	restricted string
	// both users as two contexts of one file, the admin's current
	both string
}

const (
	adminContext      = "netpol-test-admin"
	restrictedContext = "netpol-test-restricted"
)

func writeKubeconfigs(dir, url string, f credentialFiles) (kubeconfigFiles, error) {
	k := kubeconfigFiles{
		admin:      filepath.Join(dir, "admin.kubeconfig"),
		restricted: filepath.Join(dir, "restricted.kubeconfig"),
		both:       filepath.Join(dir, "kubeconfig"),
	}
	build := func(current string, users ...string) *clientcmdapi.Config {
		c := clientcmdapi.NewConfig()
		c.Clusters[clusterName] = &clientcmdapi.Cluster{Server: url, CertificateAuthorityData: f.caPEM}
		for _, user := range users {
			token := f.adminToken
			if user == restrictedUser {
				token = f.restrictedToken
			}
			c.AuthInfos[user] = &clientcmdapi.AuthInfo{Token: token}
			c.Contexts[user] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: user, Namespace: "default"}
		}
		c.CurrentContext = current
		return c
	}
	for path, config := range map[string]*clientcmdapi.Config{
		k.admin:      build(adminContext, adminUser),
		k.restricted: build(restrictedContext, restrictedUser),
		k.both:       build(adminContext, adminUser, restrictedUser),
	} {
		if err := clientcmd.WriteToFile(*config, path); err != nil {
			return k, fmt.Errorf("write %s: %w", path, err)
		}
	}
	return k, nil
}

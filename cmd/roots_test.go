package cmd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// rootsChildEnv names the scenario a child process of TestFallbackRoots runs.
const rootsChildEnv = "DEALSCOUT_TEST_ROOTS_CHILD"

// TestFallbackRoots: the embedded CA roots are handed to crypto/x509 only
// when the process first connects somewhere (a source, a channel, the
// healthcheck), never at start-up (a cron poll with nothing due must not pay
// for parsing them), and are used only when the system has no roots. Each
// scenario runs in its own process, since crypto/x509 takes fallback roots
// once per process and reads the system's roots once; SSL_CERT_FILE and
// SSL_CERT_DIR stand in for the system's bundle.
func TestFallbackRoots(t *testing.T) {
	if os.Getenv(rootsChildEnv) != "" {
		t.Skip("running as a child of TestFallbackRoots")
	}
	t.Parallel()
	dir := t.TempDir()
	ownCA := filepath.Join(dir, "own-ca.pem")
	if err := os.WriteFile(ownCA, selfSignedCA(t), 0o600); err != nil {
		t.Fatal(err)
	}
	noRoots := []string{"SSL_CERT_FILE=" + filepath.Join(dir, "missing.pem"), "SSL_CERT_DIR=" + t.TempDir()}
	tests := []struct {
		scenario string
		system   []string
	}{
		// No system roots: the fallback is not in place after start-up or a
		// poll that connects nowhere, and is after a source's request, a
		// channel being built, or the healthcheck's request.
		{"nothing-due", noRoots},
		{"source", noRoots},
		{"channel", noRoots},
		{"healthcheck", noRoots},
		// System roots present: the fallback is never used.
		{"system-roots", []string{"SSL_CERT_FILE=" + ownCA, "SSL_CERT_DIR=" + t.TempDir(), "OWN_CA=" + ownCA}},
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			t.Parallel()
			c := exec.Command(os.Args[0], "-test.run=^TestFallbackRootsChild$", "-test.v", "-test.count=1") // #nosec G204 -- the test binary itself
			c.Env = append(append(os.Environ(), rootsChildEnv+"="+tt.scenario), tt.system...)
			out, err := c.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "--- PASS: TestFallbackRootsChild") {
				t.Errorf("scenario %s: %v\n%s", tt.scenario, err, out)
			}
		})
	}
}

// TestFallbackRootsChild is one scenario of TestFallbackRoots, in a process
// of its own.
func TestFallbackRootsChild(t *testing.T) {
	scenario := os.Getenv(rootsChildEnv)
	if scenario == "" {
		t.Skip("run by TestFallbackRoots in a child process")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write([]byte(`<rss version="2.0"><channel><title>x</title><item><guid>1</guid><title>Oak table $40</title></item></channel></rss>`))
	}))
	defer srv.Close()
	c := newCLI(t, "DEALSCOUT_ALLOW_PRIVATE_NETWORKS=127.0.0.1/32")
	c.ok("version")
	if err := verifyBundleRoot(t); err == nil {
		t.Fatal("a root of the embedded bundle verifies right after start-up: the fallback roots were handed over at init")
	}
	switch scenario {
	case "nothing-due":
		c.ok("watch", "add", "tables", "--query", "table", "--source", "feed:"+srv.URL+"/rss", "--every", "24h", "--digest", "off")
		c.ok("watch", "pause", "tables")
		c.ok("poll")
		if err := verifyBundleRoot(t); err == nil {
			t.Fatal("after a poll with nothing due, a root of the embedded bundle verifies: the poll parsed the fallback roots though it connected nowhere")
		}
		return
	case "source", "system-roots":
		c.ok("watch", "add", "tables", "--query", "table", "--source", "feed:"+srv.URL+"/rss", "--digest", "off")
		c.ok("poll", "--no-notify")
	case "channel":
		c.ok("channel", "add", "here", "log:")
		c.ok("channel", "test", "here")
	case "healthcheck":
		c.ok("healthcheck", "--url", srv.URL+"/healthz")
	default:
		t.Fatalf("unknown scenario %q", scenario)
	}
	err := verifyBundleRoot(t)
	if scenario == "system-roots" {
		if err == nil {
			t.Fatal("with system roots present, a root of the embedded bundle verifies: the fallback replaced the system's roots")
		}
		if err := verifyPEM(t, os.Getenv("OWN_CA")); err != nil {
			t.Fatalf("the system's own CA does not verify: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("without system roots, after the first %s, a root of the embedded bundle does not verify: %v", scenario, err)
	}
}

// verifyBundleRoot verifies a root of the embedded bundle against the
// process's default roots: it passes only if those are the fallback roots.
func verifyBundleRoot(t *testing.T) error {
	t.Helper()
	for c := range bundle.Roots() {
		cert, err := x509.ParseCertificate(c.Certificate)
		if err != nil || c.Constraint != nil || time.Now().AddDate(1, 0, 0).After(cert.NotAfter) {
			continue
		}
		_, err = cert.Verify(x509.VerifyOptions{})
		return err
	}
	t.Fatal("no usable root in the embedded bundle")
	return nil
}

func verifyPEM(t *testing.T, path string) error {
	t.Helper()
	b, err := os.ReadFile(path) // #nosec G304 -- the test's own file
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cert.Verify(x509.VerifyOptions{})
	return err
}

func selfSignedCA(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dealscout test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

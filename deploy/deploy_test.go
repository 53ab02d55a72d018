package deploy

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// installedBinary is where the units expect dealscout; README.md installs it there.
const installedBinary = "/usr/local/bin/dealscout"

var units = []string{"dealscout-serve.service", "dealscout-poll.service", "dealscout-poll.timer"}

// TestUnitsVerify runs systemd-analyze verify on each unit. verify also checks
// that ExecStart names an executable file; a test machine has no
// /usr/local/bin/dealscout, so each unit is verified from a temporary copy in
// which that one path is replaced by this test's own executable. Nothing else
// in the unit is changed.
func TestUnitsVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (apt-get install systemd); .ci/run installs it")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, u := range units {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(u, ".service") && !bytes.Contains(b, []byte("ExecStart="+installedBinary+" ")) {
			t.Errorf("%s does not start %s", u, installedBinary)
		}
		if err := os.WriteFile(filepath.Join(dir, u), bytes.ReplaceAll(b, []byte(installedBinary), []byte(self)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range units {
		cmd := exec.Command(analyze, "verify", filepath.Join(dir, u)) // #nosec G204 -- fixed tool, our own files
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		// verify exits 0 with warnings printed; any output is a finding.
		if err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("systemd-analyze verify %s: %v\n%s", u, err, out)
		}
	}
}

// TestUnitsAreHardened keeps the settings the README promises in the units.
func TestUnitsAreHardened(t *testing.T) {
	t.Parallel()
	want := map[string][]string{
		"dealscout-serve.service": {"User=dealscout", "ProtectSystem=strict", "ReadWritePaths=/var/lib/dealscout",
			"NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes", "Restart=on-failure", "EnvironmentFile=/etc/dealscout.env"},
		"dealscout-poll.service": {"User=dealscout", "ProtectSystem=strict", "ReadWritePaths=/var/lib/dealscout",
			"NoNewPrivileges=yes", "PrivateTmp=yes", "ProtectHome=yes", "SuccessExitStatus=3 75", "EnvironmentFile=/etc/dealscout.env", "Type=oneshot"},
		"dealscout-poll.timer": {"OnCalendar=", "Persistent=true", "WantedBy=timers.target"},
	}
	for u, lines := range want {
		b, err := os.ReadFile(u)
		if err != nil {
			t.Fatal(err)
		}
		have := map[string]bool{}
		for _, l := range strings.Split(string(b), "\n") {
			have[strings.TrimSpace(l)] = true
		}
		for _, l := range lines {
			if !have[l] && !(strings.HasSuffix(l, "=") && strings.Contains(string(b), "\n"+l)) {
				t.Errorf("%s lacks %q", u, l)
			}
		}
	}
}

// TestUnitSecurityExposure asks systemd how exposed the serve unit is and
// fails above "OK" (2.0 on systemd's 0-10 scale).
func TestUnitSecurityExposure(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	self, _ := os.Executable()
	b, err := os.ReadFile("dealscout-serve.service")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dealscout-serve.service")
	if err := os.WriteFile(path, bytes.ReplaceAll(b, []byte(installedBinary), []byte(self)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "security", "--offline=true", "--threshold=20", path).CombinedOutput() // #nosec G204 -- fixed tool
	if err != nil {
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		t.Errorf("systemd-analyze security: %v: %s", err, lines[len(lines)-1])
	}
}

// TestCaddyfileAdapts checks the Caddy snippet parses, when caddy is installed.
func TestCaddyfileAdapts(t *testing.T) {
	caddy, err := exec.LookPath("caddy")
	if err != nil {
		t.Skip("caddy is not installed")
	}
	out, err := exec.Command(caddy, "adapt", "--config", "Caddyfile", "--adapter", "caddyfile").CombinedOutput() // #nosec G204 -- fixed tool
	if err != nil {
		t.Errorf("caddy adapt: %v\n%s", err, out)
	}
}

// TestREADMEReferencesEveryDeployFile keeps README.md pointing at each file
// here, so none is shipped without instructions.
func TestREADMEReferencesEveryDeployFile(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if e.IsDir() || strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		n++
		if !bytes.Contains(readme, []byte("deploy/"+e.Name())) {
			t.Errorf("README.md does not mention deploy/%s", e.Name())
		}
	}
	if n < 5 {
		t.Errorf("only %d deployment files found; the units, crontab and Caddyfile are missing", n)
	}
}

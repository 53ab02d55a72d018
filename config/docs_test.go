package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Regenerate README.md's configuration table and .env.example from the key
// table with: go test ./config -run TestSettingsDocs -update
var update = flag.Bool("update", false, "rewrite README.md's configuration table and .env.example from the key table")

const (
	readmePath     = "../README.md"
	envExamplePath = "../.env.example"
	tableHeader    = "| variable | default | what it sets |"
)

// markdownTable is README.md's configuration table, one row per key.
func markdownTable() string {
	var b strings.Builder
	b.WriteString(tableHeader + "\n|---|---|---|\n")
	for _, k := range Keys() {
		name := "`" + k.Name + "`"
		if k.Secret {
			name += " (secret; or `_FILE`)"
		}
		def := "—"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		b.WriteString("| " + name + " | " + def + " | " + strings.ReplaceAll(k.Help, "|", `\|`) + " |\n")
	}
	return b.String()
}

// envExample is .env.example: every key, commented out, at its default.
func envExample() string {
	var b strings.Builder
	b.WriteString(`# dealscout settings, every one at its default. Copy this file to .env in the
# working directory, or to /etc/dealscout.env (mode 0600) for the systemd units,
# and uncomment what you change. The DEALSCOUT_* environment and flags override it.
# Generated from config/keys.go by: go test ./config -run TestSettingsDocs -update
`)
	for _, k := range Keys() {
		b.WriteString("\n")
		for _, line := range wrap(k.Help, 78) {
			b.WriteString("# " + line + "\n")
		}
		if k.Name == keyConfig {
			// A settings file cannot name another one; say so instead of offering it.
			b.WriteString("# (set it in the environment or with --config, not in this file)\n")
			continue
		}
		b.WriteString("# " + k.Name + "=" + envQuote(k.Default) + "\n")
		if k.Secret {
			b.WriteString("# " + k.Name + fileSuffix + "=/etc/dealscout/" + strings.ToLower(strings.TrimPrefix(k.Name, envPrefix)) + "\n")
		}
	}
	return b.String()
}

// envQuote double-quotes values the .env parser would otherwise cut or
// trim: spaces, # and quotes.
func envQuote(v string) string {
	if !strings.ContainsAny(v, " \t#\"'\\") {
		return v
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
}

func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return append(lines, line)
}

// readmeTable returns README.md's configuration table and where it sits.
func readmeTable(t *testing.T, readme string) (table string, start, end int) {
	t.Helper()
	start = strings.Index(readme, tableHeader+"\n")
	if start < 0 {
		t.Fatalf("README.md has no configuration table starting with %q", tableHeader)
	}
	end = start
	for end < len(readme) && readme[end] == '|' {
		nl := strings.IndexByte(readme[end:], '\n')
		if nl < 0 {
			end = len(readme)
			break
		}
		end += nl + 1
	}
	return readme[start:end], start, end
}

// TestSettingsDocs fails when README.md's configuration table or
// .env.example no longer says what the key table in keys.go says: a new,
// renamed or removed key, a changed default or a changed explanation.
func TestSettingsDocs(t *testing.T) {
	b, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	got, start, end := readmeTable(t, readme)
	want := markdownTable()
	example, err := os.ReadFile(envExamplePath)
	if err != nil && !(*update && os.IsNotExist(err)) {
		t.Fatal(err)
	}
	if *update {
		if got != want {
			readme = readme[:start] + want + readme[end:]
			if err := os.WriteFile(readmePath, []byte(readme), 0o644); err != nil { // #nosec G306 -- documentation
				t.Fatal(err)
			}
		}
		if string(example) != envExample() {
			if err := os.WriteFile(envExamplePath, []byte(envExample()), 0o644); err != nil { // #nosec G306 -- an example without secrets
				t.Fatal(err)
			}
		}
		return
	}
	const fix = "run: go test ./config -run TestSettingsDocs -update"
	if got != want {
		gotRows, wantRows := strings.Split(got, "\n"), strings.Split(want, "\n")
		for _, r := range wantRows {
			if !contains(gotRows, r) {
				t.Errorf("README.md's configuration table lacks or differs from the row\n%s", r)
			}
		}
		for _, r := range gotRows {
			if !contains(wantRows, r) {
				t.Errorf("README.md's configuration table has a row the code does not:\n%s", r)
			}
		}
		t.Errorf("README.md's configuration table drifted from config/keys.go; %s", fix)
	}
	if string(example) != envExample() {
		t.Errorf(".env.example drifted from config/keys.go; %s", fix)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestEnvExampleLoadsToDefaults uncomments every assignment in .env.example
// and loads it: the file must parse and give exactly the defaults, so a user
// who uncomments a line gets what the comment says.
func TestEnvExampleLoadsToDefaults(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(envExamplePath)
	if err != nil {
		t.Fatal(err)
	}
	// Each block is the help text then the assignment (then, for a secret,
	// its _FILE form); help text may itself mention KEY=VALUE.
	var lines []string
	for _, block := range strings.Split(strings.TrimSpace(string(b)), "\n\n") {
		bl := strings.Split(block, "\n")
		last := bl[len(bl)-1]
		if strings.Contains(last, fileSuffix+"=") && len(bl) > 1 {
			last = bl[len(bl)-2]
		}
		if rest, ok := strings.CutPrefix(last, "# "+envPrefix); ok && strings.Contains(rest, "=") {
			lines = append(lines, envPrefix+rest)
		}
	}
	if len(lines) != len(Keys())-1 { // every key but DEALSCOUT_CONFIG
		t.Fatalf(".env.example has %d assignments, want one per key but DEALSCOUT_CONFIG (%d)", len(lines), len(Keys())-1)
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "settings.env", strings.Join(lines, "\n")+"\n")
	c, _, err := Load(Sources{WorkDir: dir, ConfigFile: path})
	if err != nil {
		t.Fatalf(".env.example does not load once uncommented: %v", err)
	}
	def := Default()
	want := map[string]string{}
	for _, e := range def.Entries() {
		want[e.Key] = e.Value
	}
	for _, e := range c.Entries() {
		if e.Key == keyConfig {
			continue
		}
		if e.Value != want[e.Key] {
			t.Errorf(".env.example sets %s to %q, the default is %q", e.Key, e.Value, want[e.Key])
		}
	}
	if filepath.Base(c.ConfigFile) != "settings.env" {
		t.Errorf("the uncommented example was not read (ConfigFile %q)", c.ConfigFile)
	}
}

package config

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Sources is everything Load reads. Commands fill it from the process;
// tests fill it by hand, so no test depends on the machine's environment.
type Sources struct {
	Environ    []string          // "KEY=VALUE" pairs, as os.Environ returns
	WorkDir    string            // where .env is looked for and relative paths start; "" = the process's
	ConfigFile string            // the --config flag; "" when not given
	Flags      map[string]string // env key → value, only flags the user set
	ReadFile   func(string) ([]byte, error)
}

// Load builds the Config from, lowest precedence first: built-in defaults, the
// settings file (--config, else DEALSCOUT_CONFIG, else .env in WorkDir if it
// exists), the DEALSCOUT_* environment, and flags. It then validates the
// result. Errors are *Error (possibly several, joined); warnings (such as
// misspelt keys) come back even when there is an error, to help explain it.
func Load(src Sources) (*Config, []Warning, error) {
	if src.ReadFile == nil {
		src.ReadFile = os.ReadFile
	}
	env := layer{origin: OriginEnv, where: "the environment", vars: environVars(src.Environ)}
	flags := layer{origin: OriginFlag, where: "flags", vars: map[string]envVar{}}
	for k, v := range src.Flags {
		if _, ok := knownKey(k); !ok {
			return nil, nil, invalid(k, "is not a setting; the flag that set it is wired wrongly")
		}
		flags.vars[k] = envVar{Key: k, Value: v}
	}
	file, err := src.readSettingsFile(env, flags)
	if err != nil {
		return nil, nil, err
	}
	warnings := append(unknownKeys(file.layer), unknownKeys(env)...)

	c := Default()
	c.origins = map[string]Origin{}
	c.secretFiles = map[string]string{}
	if file.path != "" {
		c.ConfigFile = file.path
		c.origins[keyConfig] = file.pathOrigin
	}
	var errs []error
	positions := map[string]position{} // the file line behind each value, for Validate's errors
	for _, s := range settings {
		if s.set == nil {
			continue
		}
		v, origin, at, found, err := src.lookup(s, []layer{flags, env, file.layer})
		if err == nil && found {
			err = atLine(s.set(c, v), at)
		}
		if err != nil {
			errs = append(errs, err)
		} else if found {
			c.origins[s.Name] = origin
			positions[s.Name] = at
			if at.secretFile != "" {
				c.secretFiles[s.Name] = at.secretFile
			}
		}
	}
	c.resolveDerived()
	// A value that failed to parse left its default in place, so Validate
	// adds only new problems and the user sees every one at once.
	verr := c.Validate()
	if joined, ok := verr.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			var ce *Error
			if errors.As(e, &ce) {
				atLine(ce, positions[ce.Key])
			}
		}
	}
	if err := errors.Join(append(errs, verr)...); err != nil {
		return nil, warnings, err
	}
	return c, warnings, nil
}

// layer is one source of settings.
type layer struct {
	origin Origin
	where  string            // for messages: "the environment", "flags" or the file's path
	file   string            // the settings file, "" for other layers
	vars   map[string]envVar // only DEALSCOUT_* keys
}

// environVars keeps the DEALSCOUT_* pairs. Like os.Getenv, the first of
// duplicate keys wins.
func environVars(environ []string) map[string]envVar {
	vars := map[string]envVar{}
	for _, kv := range environ {
		k, v, ok := strings.Cut(kv, "=")
		if _, dup := vars[k]; !ok || dup || !strings.HasPrefix(k, envPrefix) {
			continue
		}
		vars[k] = envVar{Key: k, Value: v}
	}
	return vars
}

// settingsFile is the KEY=VALUE file that was read, if any.
type settingsFile struct {
	layer
	path       string
	pathOrigin Origin // where the path came from; default for an automatic .env
}

func (src Sources) readSettingsFile(env, flags layer) (settingsFile, error) {
	path, origin := src.ConfigFile, OriginFlag
	if path == "" {
		path = flags.vars[keyConfig].Value
	}
	if path == "" {
		path, origin = env.vars[keyConfig].Value, OriginEnv
	}
	explicit := path != ""
	if !explicit {
		path, origin = ".env", OriginDefault
	}
	path = src.resolvePath(path)
	out := settingsFile{layer: layer{origin: OriginFile, where: path, file: path, vars: map[string]envVar{}}}

	data, err := src.ReadFile(path)
	switch {
	case err != nil && !explicit && errors.Is(err, fs.ErrNotExist):
		return out, nil
	case err != nil && explicit:
		return out, invalid(keyConfig, "names %q, which cannot be read: %s", path, readProblem(err))
	case err != nil:
		return out, &Error{File: path, Problem: "cannot be read: " + readProblem(err)}
	}
	vars, err := parseEnvFile(path, data)
	if err != nil {
		return out, err
	}
	for _, v := range vars {
		if strings.HasPrefix(v.Key, envPrefix) {
			out.vars[v.Key] = v // a later line wins, as when a shell sources the file
		}
	}
	out.path, out.pathOrigin = path, origin
	return out, nil
}

// resolvePath makes relative paths start at WorkDir.
func (src Sources) resolvePath(p string) string {
	if filepath.IsAbs(p) || src.WorkDir == "" {
		return p
	}
	return filepath.Join(src.WorkDir, p)
}

// lookup finds s in the highest layer that sets it, reading NAME_FILE for
// secrets. An empty value counts as unset. Within one layer a secret may be
// given directly or as a file, not both; across layers the higher one wins
// whichever form each uses.
func (src Sources) lookup(s setting, highFirst []layer) (value string, origin Origin, at position, found bool, err error) {
	for _, l := range highFirst {
		direct, hasDirect := l.vars[s.Name]
		hasDirect = hasDirect && direct.Value != ""
		fromFile, hasFile := l.vars[s.Name+fileSuffix]
		hasFile = hasFile && s.Secret && fromFile.Value != ""
		switch {
		case hasDirect && hasFile:
			return "", "", position{}, false, invalid(s.Name, "and %s%s are both set in %s; set only one", s.Name, fileSuffix, l.where)
		case hasDirect:
			return direct.Value, l.origin, position{file: l.file, line: direct.Line}, true, nil
		case hasFile:
			v, err := src.readSecretFile(s.Name+fileSuffix, fromFile.Value)
			at := position{file: l.file, line: fromFile.Line, secretFile: src.resolvePath(fromFile.Value)}
			return v, l.origin, at, err == nil, atLine(err, at)
		}
	}
	return "", "", position{}, false, nil
}

// position is where a value was set: a settings file's line, or nothing
// for the environment and flags.
type position struct {
	file       string
	line       int
	secretFile string // for NAME_FILE: the file the secret was read from
}

// atLine places a setting's error on the settings-file line that set it, so
// the user is told which line to fix.
func atLine(err error, at position) error {
	var e *Error
	if at.file == "" || !errors.As(err, &e) || e.File != "" {
		return err
	}
	e.File, e.Line = at.file, at.line
	return err
}

// readSecretFile reads a NAME_FILE secret. Its errors name the key and path,
// never the content.
func (src Sources) readSecretFile(key, path string) (string, error) {
	path = src.resolvePath(path)
	data, err := src.ReadFile(path)
	if err != nil {
		return "", invalid(key, "names %q, which cannot be read: %s", path, readProblem(err))
	}
	v := strings.TrimSuffix(string(data), "\n")
	v = strings.TrimSuffix(v, "\r")
	if v == "" {
		return "", invalid(key, "names %q, which is empty", path)
	}
	return v, nil
}

// readProblem describes a read error without repeating the path twice.
func readProblem(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// knownKey finds the setting named k, accepting NAME_FILE for secrets.
func knownKey(k string) (setting, bool) {
	for _, s := range settings {
		if s.Name == k || s.Secret && s.Name+fileSuffix == k {
			return s, true
		}
	}
	return setting{}, false
}

// unknownKeys warns about DEALSCOUT_* names that are not settings, in file
// line order (names in the environment sorted), suggesting the closest one.
func unknownKeys(l layer) []Warning {
	vars := make([]envVar, 0, len(l.vars))
	for _, v := range l.vars {
		vars = append(vars, v)
	}
	slices.SortFunc(vars, func(a, b envVar) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), strings.Compare(a.Key, b.Key))
	})
	where := "in " + l.where
	var out []Warning
	for _, v := range vars {
		if l.file != "" {
			where = fmt.Sprintf("in %s line %d", l.file, v.Line)
		}
		if v.Key == keyConfig && l.file != "" {
			out = append(out, Warning{Key: v.Key, Where: where, Message: fmt.Sprintf(
				"%s %s has no effect: a settings file cannot name another; use --config or the environment", v.Key, where)})
			continue
		}
		if _, ok := knownKey(v.Key); ok {
			continue
		}
		out = append(out, unknownKeyWarning(v.Key, where))
	}
	return out
}

func unknownKeyWarning(key, where string) Warning {
	w := Warning{Key: key, Where: where}
	if base, ok := strings.CutSuffix(key, fileSuffix); ok {
		if s, known := knownKey(base); known && !s.Secret {
			w.Suggestion = base
			w.Message = fmt.Sprintf("unknown setting %s %s; only secrets can be read from a file, so set %s itself", key, where, base)
			return w
		}
	}
	w.Suggestion = closestKey(key)
	w.Message = fmt.Sprintf("unknown setting %s %s", key, where)
	if w.Suggestion != "" {
		w.Message += "; did you mean " + w.Suggestion + "?"
	}
	return w
}

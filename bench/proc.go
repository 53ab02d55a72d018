package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// procTimeout bounds the harness's own control programs.
const procTimeout = 5 * time.Minute

// budgetError is a dealscout process stopped because it ran past the
// per-process budget (-budget): the measure is reported as "stopped after",
// never as a number it did not reach.
type budgetError struct {
	args   []string
	after  time.Duration
	maxRSS int64
}

func (e *budgetError) Error() string {
	return fmt.Sprintf("dealscout %s: stopped after %s (the -budget)", strings.Join(e.args, " "), e.after.Round(time.Second))
}

// result is one finished process.
type result struct {
	wall           time.Duration
	maxRSS         int64 // bytes: the child's VmHWM (hwm.go), or its rusage where that could not be read
	stdout, stderr string
}

// instance is one database and the environment every dealscout process
// using it runs with.
type instance struct {
	h   *harness
	dir string
	db  string
	env []string
}

// newInstance makes a fresh directory with an empty database path and the
// environment: the inherited one without any DEALSCOUT_* of the user's, JSON
// logs at warn, and outbound requests allowed to loopback only (the fakes).
func (h *harness) newInstance(name string, extra ...string) (*instance, error) {
	dir, err := h.workdir(name)
	if err != nil {
		return nil, err
	}
	in := &instance{h: h, dir: dir, db: filepath.Join(dir, "dealscout.db")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DEALSCOUT_") {
			in.env = append(in.env, kv)
		}
	}
	in.env = append(in.env,
		"DEALSCOUT_DB="+in.db,
		"DEALSCOUT_LOG_FORMAT=json",
		"DEALSCOUT_LOG_LEVEL=warn",
		"DEALSCOUT_ALLOW_PRIVATE_NETWORKS=127.0.0.1/32",
		"DEALSCOUT_NOTIFY_RATE_PER_MINUTE=10000",
	)
	in.env = append(in.env, extra...)
	return in, nil
}

// run runs dealscout to completion and fails unless it exits 0. A process
// still running after the budget is killed and reported as *budgetError.
func (in *instance) run(ctx context.Context, args ...string) (result, error) {
	return in.runWith(ctx, nil, args...)
}

// runWith is run with env added to the instance's environment.
func (in *instance) runWith(ctx context.Context, env []string, args ...string) (result, error) {
	bctx, cancel := context.WithTimeout(ctx, in.h.o.budget)
	defer cancel()
	c := exec.CommandContext(bctx, in.h.bin, args...)
	c.Dir = in.dir // no .env of the user's is read
	c.Env = append(append([]string(nil), in.env...), env...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	started := time.Now()
	err := c.Start()
	var hwm int64
	if err == nil {
		w := watchHWM(c.Process.Pid) // see hwm.go: rusage counts the harness's own memory
		err = c.Wait()
		hwm = w.stop()
	}
	res := result{wall: time.Since(started), stdout: out.String(), stderr: errb.String(), maxRSS: hwm}
	if hwm == 0 && c.ProcessState != nil {
		if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
			res.maxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
		}
	}
	if err != nil && bctx.Err() != nil && ctx.Err() == nil {
		return res, &budgetError{args: args, after: res.wall, maxRSS: res.maxRSS}
	}
	if err != nil {
		return res, fmt.Errorf("dealscout %s: %w after %s; stderr: %s", strings.Join(args, " "), err,
			res.wall.Round(time.Millisecond), tail(res.stderr, 1500))
	}
	return res, nil
}

// start runs dealscout in the background; the caller stops it.
func (in *instance) start(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer, error) {
	c := exec.CommandContext(ctx, in.h.bin, args...)
	c.Dir, c.Env = in.dir, in.env
	var logs bytes.Buffer
	c.Stdout, c.Stderr = &logs, &logs
	c.WaitDelay = 5 * time.Second
	if err := c.Start(); err != nil {
		return nil, nil, fmt.Errorf("start dealscout %s: %w", strings.Join(args, " "), err)
	}
	return c, &logs, nil
}

// stop asks a background process to end (SIGTERM, then SIGKILL after 10 s)
// and waits for it.
func stop(c *exec.Cmd) {
	if c == nil || c.Process == nil {
		return
	}
	_ = c.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = c.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = c.Process.Kill()
		<-done
	}
}

// procStatus reads one "VmXXX:  N kB" line of /proc/PID/status, in bytes.
func procStatus(pid int, key string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), key+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("/proc/%d/status %s: %w", pid, key, err)
			}
			return n * 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s line", pid, key)
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

// fileSize is the size of path, 0 when it does not exist.
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// control runs one of the harness's control programs to completion.
func (h *harness) control(ctx context.Context, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, procTimeout)
	defer cancel()
	c := exec.CommandContext(ctx, h.self, args...)
	var errb bytes.Buffer
	c.Stderr = &errb
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("%s: %w: %s", args[0], err, tail(errb.String(), 1500))
	}
	return out, nil
}

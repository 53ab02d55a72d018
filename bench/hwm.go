package main

import (
	"sync"
	"time"
)

// A child's rusage (ru_maxrss) is no measure of its own peak on Linux: at
// exec the kernel records the high-water mark of the memory it leaves — the
// harness's own, shared by the vfork-style clone Go starts children with —
// so every child reported at least the harness's resident size (a /bin/true
// started from a 300 MB process reports 302 MB). The new program's own peak
// is VmHWM in /proc/PID/status, which starts afresh at exec: it is read
// every few milliseconds while the child runs, and the last reading kept.

// hwmEvery is how often a child's VmHWM is read: growth in the last few
// milliseconds before it exits is not seen.
const hwmEvery = 5 * time.Millisecond

// hwmWatch reads a running process's VmHWM until stopped.
type hwmWatch struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak int64
}

func watchHWM(pid int) *hwmWatch {
	w := &hwmWatch{done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(hwmEvery)
		defer t.Stop()
		for {
			if v, err := procStatus(pid, "VmHWM"); err == nil && v > w.peak {
				w.peak = v
			}
			select {
			case <-w.done:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// stop ends the watch and returns the highest VmHWM read, in bytes; 0 when
// none could be read.
func (w *hwmWatch) stop() int64 {
	close(w.done)
	w.wg.Wait()
	return w.peak
}
